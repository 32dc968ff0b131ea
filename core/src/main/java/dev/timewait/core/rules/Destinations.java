package dev.timewait.core.rules;

import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.IpAddresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Client destination groups from the kernel's table, completed by the agent's estimate for groups
 * the table does not show (e.g. snapshots from other hosts).
 */
public final class Destinations {

  /** Usable ports of the default range 32768-60999, assumed when the host's range is unknown. */
  public static final int DEFAULT_USABLE = 28232;

  private Destinations() {}

  /** The host's table, end of the window preferred. */
  static ConnectionTable table(AnalysisInput input) {
    if (input.hostEnd() != null && input.hostEnd().table() != null) {
      return input.hostEnd().table();
    }
    return input.hostStart() == null ? null : input.hostStart().table();
  }

  /** Usable ephemeral ports of the sampled host, or the Linux default when no host was sampled. */
  static Integer usablePorts(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null) {
      return DEFAULT_USABLE;
    }
    return host.settings().ipLocalPortRange() == null
        ? null
        : host.settings().ipLocalPortRange().usable();
  }

  /** Every known group, most used first. */
  public static List<DestinationUse> of(AnalysisInput input) {
    List<DestinationUse> result = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    ConnectionTable table = table(input);
    if (table != null) {
      for (ClientTimeWaitGroup group : table.clientGroups()) {
        Endpoint remote = new Endpoint(group.remoteIp(), group.remotePort());
        seen.add(group.localIp() + " " + remote);
        result.add(
            new DestinationUse(
                group.localIp(),
                IpAddresses.withPort(group.remoteIp(), group.remotePort()),
                group.timeWait(),
                group.portsInUse(),
                group.usablePorts(),
                group.shareOfUsablePorts(),
                DestinationUse.isLoopback(group.remoteIp()),
                DestinationUse.TABLE,
                AgentActivity.clientSitesFor(input, remote)));
      }
    }
    // The agent's estimate replaces the table's row when it is larger: the table is one moment,
    // the estimate covers the last 60 s (and snapshots may come from another host).
    for (DestinationUse estimate : AgentActivity.destinations(input, usablePorts(input))) {
      String key = estimate.local() + " " + estimate.remote();
      if (seen.add(key)) {
        result.add(estimate);
        continue;
      }
      for (int i = 0; i < result.size(); i++) {
        DestinationUse row = result.get(i);
        if (key.equals(row.local() + " " + row.remote()) && row.inUse() < estimate.inUse()) {
          result.set(i, estimate);
        }
      }
    }
    result.sort(
        Comparator.comparingDouble(
                (DestinationUse d) -> d.utilization() == null ? -1 : d.utilization())
            .thenComparingLong(DestinationUse::inUse)
            .reversed());
    return result;
  }

  /** One line of evidence for a group. */
  static String describe(DestinationUse use) {
    String share =
        use.utilization() == null
            ? "usable range unknown"
            : String.format(
                "%.1f%% of %d usable ports (ip_local_port_range minus ip_local_reserved_ports)",
                use.utilization() * 100, use.usable());
    String what =
        DestinationUse.AGENT.equals(use.source())
            ? use.inUse() + " active closes in the last 60 s (agent), each holding a port for 60 s"
            : use.inUse() + " ports in use, " + use.timeWait() + " in TIME_WAIT (/proc/net/tcp)";
    return use.local() + " -> " + use.remote() + ": " + what + " = " + share;
  }

  /** The sites to name for a group, or a generic phrase. */
  static String sitesOf(List<DestinationUse> uses) {
    List<String> sites = new ArrayList<>();
    for (DestinationUse use : uses) {
      for (String site : use.sites()) {
        if (!sites.contains(site)) {
          sites.add(site);
        }
      }
    }
    return SiteNames.join(sites, "the code that connects to " + uses.get(0).remote());
  }
}
