package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The TIME_WAIT table is full or nearly full: sockets close without TIME_WAIT. With a sampling
 * window, {@code TCPTimeWaitOverflow} must grow during it; with one sample, any overflow since boot
 * counts.
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
    Long overflow = host.counters().timeWaitOverflow();
    Long tw = host.counters().sockstatTw();
    Long max = host.settings().tcpMaxTwBuckets();
    HostSample start = input.hostStart();
    Long before = start != null && start != host ? start.counters().timeWaitOverflow() : null;
    // Over a sampling window only new overflows count: one from long ago would warn forever.
    boolean overflowed = overflow != null && (before != null ? overflow > before : overflow > 0);
    boolean nearlyFull =
        tw != null && max != null && max > 0 && tw >= input.thresholds().twBucketsShare() * max;
    if (!overflowed && !nearlyFull) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    if (overflow != null) {
      String delta = "";
      if (before != null) {
        delta =
            ", +" + (overflow - before) + " during the " + input.window().toSeconds() + " s window";
      }
      evidence.add(
          "/proc/net/netstat TcpExt TCPTimeWaitOverflow = " + overflow + " since boot" + delta);
    }
    if (tw != null && max != null) {
      evidence.add(
          String.format(
              "/proc/net/sockstat tw = %d of /proc/sys/net/ipv4/tcp_max_tw_buckets = %d (%.0f%%)",
              tw, max, max == 0 ? 0.0 : 100.0 * tw / max));
    }
    String raise =
        max == null
            ? "raise net.ipv4.tcp_max_tw_buckets"
            : "raise the cap: "
                + SysctlConfig.set(host, "net.ipv4.tcp_max_tw_buckets", String.valueOf(max * 2));
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
            List.of(References.IP_SYSCTL)));
  }
}
