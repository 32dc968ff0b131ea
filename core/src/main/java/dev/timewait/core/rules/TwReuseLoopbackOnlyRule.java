package dev.timewait.core.rules;

import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostSample;
import java.util.List;
import java.util.Optional;

/** {@code tcp_tw_reuse = 2} while many client TIME_WAIT sockets go to other hosts. */
public final class TwReuseLoopbackOnlyRule implements Rule {

  @Override
  public String id() {
    return "TW_REUSE_LOOPBACK_ONLY";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    ConnectionTable table = Destinations.table(input);
    if (host == null
        || table == null
        || !Integer.valueOf(2).equals(KernelFacts.effectiveReuse(host))) {
      return Optional.empty();
    }
    long remote = 0;
    long groups = 0;
    for (ClientTimeWaitGroup group : table.clientGroups()) {
      if (!DestinationUse.isLoopback(group.remoteIp())) {
        remote += group.timeWait();
        groups++;
      }
    }
    if (remote < input.thresholds().loopbackOnlyTimeWait()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "tcp_tw_reuse = 2 applies to loopback only; "
                + remote
                + " client TIME_WAIT sockets go to other hosts",
            List.of(
                "/proc/sys/net/ipv4/tcp_tw_reuse = 2, kernel " + KernelFacts.release(host),
                "/proc/net/tcp: "
                    + remote
                    + " client TIME_WAIT sockets to non-loopback destinations in "
                    + groups
                    + " (local IP, remote IP, remote port) groups"),
            "Nothing to change while no destination comes near the port limit (TW_REUSE_RECOMMENDED"
                + " and PORT_EXHAUSTION_RISK report that). Addresses of docker0, veth and pod"
                + " interfaces are not loopback for tcp_tw_reuse = 2.",
            List.of(References.REUSE_LOOPBACK, References.IP_SYSCTL)));
  }
}
