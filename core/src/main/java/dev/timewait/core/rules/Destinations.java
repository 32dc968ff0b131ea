package dev.timewait.core.rules;

import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.ConnectionTableBuilder;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.IpAddresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The exhaustion model: per client destination (local IP, remote IP, remote port) of the sampled
 * namespace, the ports {@code connect()} cannot use now, the rate of new connections and when the
 * usable range runs out at that rate (see {@link DestinationUse}). Groups come from the kernel's
 * table and are completed by the agent's estimate for groups the table does not show (e.g.
 * snapshots from other hosts).
 *
 * <p>The rate of a table group comes from its own TIME_WAIT timers (rows that entered TIME_WAIT
 * lately, or, where reuse applies, rows younger than the reuse delay, which reuse has not taken
 * over yet), else from the agent's closes to that remote.
 */
public final class Destinations {

  /** Usable ports of the default range 32768-60999, assumed when the host's range is unknown. */
  public static final int DEFAULT_USABLE = 28232;

  /** The shortest window a table rate is taken over, so that one fresh row is not a burst. */
  private static final long MIN_RATE_WINDOW_MILLIS = 1000;

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

  /** Every known group, most blocked first. */
  public static List<DestinationUse> of(AnalysisInput input) {
    HostSample host = input.host();
    long reuseAfter =
        host == null
            ? ConnectionTableBuilder.DEFAULT_REUSE_AFTER_MILLIS
            : KernelFacts.reuseAfterMillis(host);
    Map<Endpoint, AgentActivity.Rate> agentRates = AgentActivity.endpointRates(input);
    Long timeWaitCap = host == null ? null : host.settings().tcpMaxTwBuckets();
    List<DestinationUse> result = new ArrayList<>();
    ConnectionTable table = table(input);
    if (table != null) {
      for (ClientTimeWaitGroup group : table.clientGroups()) {
        result.add(
            fromTable(input, host, table.reuseAfterMillis(), group, agentRates, timeWaitCap));
      }
    }
    // The agent's estimate replaces the table's row when it blocks more: the table is one moment,
    // the estimate covers the last 60 s (and snapshots may come from another host).
    Integer usable = usablePorts(input);
    for (AgentActivity.RecentDestination recent :
        AgentActivity.recentDestinations(input, reuseAfter)) {
      DestinationUse estimate =
          fromAgent(input, host, reuseAfter, usable, recent, agentRates, timeWaitCap);
      String key = estimate.local() + " " + estimate.remote();
      boolean seen = false;
      for (int i = 0; i < result.size(); i++) {
        DestinationUse row = result.get(i);
        if (key.equals(row.local() + " " + row.remote())) {
          seen = true;
          if (row.blocked() < estimate.blocked()) {
            result.set(i, estimate);
          }
        }
      }
      if (!seen) {
        result.add(estimate);
      }
    }
    result.sort(
        Comparator.comparingDouble(
                (DestinationUse d) -> d.utilization() == null ? -1 : d.utilization())
            .thenComparingLong(DestinationUse::inUse)
            .reversed());
    return result;
  }

  private static DestinationUse fromTable(
      AnalysisInput input,
      HostSample host,
      long reuseAfter,
      ClientTimeWaitGroup group,
      Map<Endpoint, AgentActivity.Rate> agentRates,
      Long timeWaitCap) {
    Endpoint remote = new Endpoint(group.remoteIp(), group.remotePort());
    boolean reuse =
        host != null
            && Boolean.TRUE.equals(
                KernelFacts.reuseApplies(host, group.localIp(), group.remoteIp()));
    long blocked = group.portsInUse();
    if (reuse && group.reusableTimeWait() != null) {
      blocked -= group.reusableTimeWait();
    }
    double hold = reuse ? reuseAfter / 1000.0 : DestinationUse.TIME_WAIT_SECONDS;
    AgentActivity.Rate rate = tableRate(group, reuse, reuseAfter);
    if (rate == null) {
      rate = agentRates.get(remote);
    }
    return withForecast(
        group.localIp(),
        IpAddresses.withPort(group.remoteIp(), group.remotePort()),
        group.timeWait(),
        group.portsInUse(),
        group.usablePorts(),
        DestinationUse.isLoopback(group.remoteIp()),
        DestinationUse.TABLE,
        AgentActivity.clientSitesFor(input, remote),
        blocked,
        reuse,
        rate,
        hold,
        timeWaitCap);
  }

  /** The rate a group's TIME_WAIT timers show, or null when the table gives no timers. */
  private static AgentActivity.Rate tableRate(
      ClientTimeWaitGroup group, boolean reuse, long reuseAfter) {
    if (group.oldestAgeMillis() == null || group.timeWait() == 0) {
      return null;
    }
    long oldest = Math.max(group.oldestAgeMillis(), MIN_RATE_WINDOW_MILLIS);
    if (reuse && group.reusableTimeWait() != null) {
      long young = group.timeWait() - group.reusableTimeWait();
      double window = Math.min(reuseAfter, oldest) / 1000.0;
      return new AgentActivity.Rate(
          young / window,
          String.format(
              Locale.ROOT,
              "%d TIME_WAIT sockets younger than %s s (timers in /proc/net/tcp)",
              young,
              seconds(window)));
    }
    if (group.recentTimeWait() == null) {
      return null;
    }
    double window = Math.min(ClientTimeWaitGroup.RECENT_SECONDS * 1000L, oldest) / 1000.0;
    return new AgentActivity.Rate(
        group.recentTimeWait() / window,
        String.format(
            Locale.ROOT,
            "%d sockets entered TIME_WAIT in the last %s s (timers in /proc/net/tcp)",
            group.recentTimeWait(),
            seconds(window)));
  }

  private static DestinationUse fromAgent(
      AnalysisInput input,
      HostSample host,
      long reuseAfter,
      Integer usable,
      AgentActivity.RecentDestination recent,
      Map<Endpoint, AgentActivity.Rate> agentRates,
      Long timeWaitCap) {
    boolean reuse =
        host != null
            && Boolean.TRUE.equals(
                KernelFacts.reuseApplies(host, recent.localIp(), recent.remote().ip()));
    AgentActivity.Rate rate = agentRates.get(recent.remote());
    if (rate == null && recent.lastMinute() > 0) {
      rate =
          new AgentActivity.Rate(
              recent.lastMinute() / recent.spanSeconds(),
              String.format(
                  Locale.ROOT,
                  "agent: %d active closes in the last %s s",
                  recent.lastMinute(),
                  seconds(recent.spanSeconds())));
    }
    return withForecast(
        recent.localIp(),
        recent.remote().toString(),
        recent.lastMinute(),
        recent.lastMinute(),
        usable,
        DestinationUse.isLoopback(recent.remote().ip()),
        DestinationUse.AGENT,
        AgentActivity.clientSitesFor(input, recent.remote()),
        reuse ? recent.withinReuseDelay() : recent.lastMinute(),
        reuse,
        rate,
        reuse ? reuseAfter / 1000.0 : DestinationUse.TIME_WAIT_SECONDS,
        timeWaitCap);
  }

  /**
   * A group with its forecast: at rate r each new connection blocks a port for {@code hold}
   * seconds, so the blocked ports settle at r * hold plus the sockets in other states; when that
   * reaches the usable range, it runs out after (usable - blocked) / r seconds. A TIME_WAIT table
   * smaller than r * hold ({@code tcp_max_tw_buckets}) holds no more than its size.
   */
  private static DestinationUse withForecast(
      String local,
      String remote,
      long timeWait,
      long inUse,
      Integer usable,
      boolean loopback,
      String source,
      List<String> sites,
      long blocked,
      boolean reuse,
      AgentActivity.Rate rate,
      double hold,
      Long timeWaitCap) {
    Double utilization = usable == null || usable == 0 ? null : blocked / (double) usable;
    Double eta = null;
    if (rate != null && rate.perSecond() > 0 && usable != null) {
      double steady =
          DestinationUse.heldAtRate(rate.perSecond(), hold, timeWaitCap)
              + Math.max(0, inUse - timeWait);
      if (steady >= usable) {
        eta = Math.max(0, (usable - blocked) / rate.perSecond());
      }
    }
    return new DestinationUse(
        local,
        remote,
        timeWait,
        inUse,
        usable,
        utilization,
        loopback,
        source,
        sites,
        blocked,
        reuse,
        rate == null ? null : rate.perSecond(),
        rate == null ? null : rate.basis(),
        hold,
        eta,
        timeWaitCap);
  }

  /** One line of evidence for a group. */
  static String describe(DestinationUse use) {
    StringBuilder line = new StringBuilder();
    line.append(use.local()).append(" -> ").append(use.remote()).append(": ");
    if (DestinationUse.AGENT.equals(use.source())) {
      line.append(use.inUse())
          .append(" active closes in the last 60 s (agent), each holding a port for 60 s");
    } else {
      line.append(use.inUse())
          .append(" ports in use, ")
          .append(use.timeWait())
          .append(" in TIME_WAIT (/proc/net/tcp)");
    }
    if (use.reuse()) {
      line.append("; tcp_tw_reuse takes over those older than ")
          .append(seconds(use.holdSeconds()))
          .append(" s, so ")
          .append(use.blocked())
          .append(" are blocked");
    }
    if (use.utilization() == null) {
      line.append(" = usable range unknown");
    } else {
      line.append(
          String.format(
              Locale.ROOT,
              " = %.1f%% of %d usable ports (ip_local_port_range minus ip_local_reserved_ports)",
              use.utilization() * 100,
              use.usable()));
    }
    if (use.ratePerSecond() != null) {
      line.append(
          String.format(
              Locale.ROOT,
              "; %.1f new connections/s (%s), each blocking its port for %s s",
              use.ratePerSecond(),
              use.rateBasis(),
              seconds(use.holdSeconds())));
      if (use.cappedByTimeWaitTable()) {
        line.append(
            "; tcp_max_tw_buckets = "
                + use.timeWaitCap()
                + " keeps fewer TIME_WAIT sockets than that (later closes leave none)");
      }
      if (use.exhaustionPredicted()) {
        line.append(
            use.secondsToExhaustion() < 0.5
                ? ": the range is spent"
                : String.format(
                    Locale.ROOT, ": the range runs out in %.0f s", use.secondsToExhaustion()));
      } else if (use.steadyShare() != null) {
        line.append(
            String.format(
                Locale.ROOT, ": settles at %.0f%% of the range", use.steadyShare() * 100));
      }
    }
    return line.toString();
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

  /** Seconds without a needless fraction: {@code 60}, {@code 1}, {@code 0.5}. */
  static String seconds(double seconds) {
    return seconds == Math.rint(seconds)
        ? String.valueOf((long) seconds)
        : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
