package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.TcpCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TIME_WAIT table is full or nearly full: sockets close without TIME_WAIT. {@code
 * TCPTimeWaitOverflow} counts only when it grew during the sampling window (in the agent: since it
 * started); a single sample is judged by the table's fill alone.
 */
public final class TwBucketsOverflowRule implements Rule {

  @Override
  public String id() {
    return "TW_BUCKETS_OVERFLOW";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null) {
      return Optional.empty();
    }
    CounterChange overflow = CounterChange.of(input, TcpCounters::timeWaitOverflow);
    Long tw = host.counters().sockstatTw();
    Long max = host.settings().tcpMaxTwBuckets();
    // Only overflows during the window count: one from long ago would warn forever.
    boolean overflowed = overflow != null && overflow.grew();
    boolean nearlyFull =
        tw != null && max != null && max > 0 && tw >= input.thresholds().twBucketsShare() * max;
    if (!overflowed && !nearlyFull) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    if (overflow != null) {
      evidence.add("/proc/net/netstat TcpExt " + overflow.describe("TCPTimeWaitOverflow"));
    }
    if (tw != null && max != null) {
      evidence.add(
          String.format(
              "/proc/net/sockstat tw = %d of /proc/sys/net/ipv4/tcp_max_tw_buckets = %d (%.0f%%)",
              tw, max, max == 0 ? 0.0 : 100.0 * tw / max));
    }
    List<SysctlSetting> asked = new ArrayList<>();
    String raise =
        max == null
            ? "raise net.ipv4.tcp_max_tw_buckets"
            : "raise the cap: "
                + SysctlConfig.set(
                    host, "net.ipv4.tcp_max_tw_buckets", String.valueOf(max * 2), asked);
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "The TIME_WAIT table is full: connections close without TIME_WAIT protection",
            evidence,
            "First cut the churn (reuse connections: keep-alive, pooling); then "
                + raise
                + " (each TIME_WAIT socket costs about 170 bytes). Never lower tcp_max_tw_buckets:"
                + " skipping TIME_WAIT lets late segments corrupt new connections.",
            List.of(References.IP_SYSCTL),
            asked));
  }
}
