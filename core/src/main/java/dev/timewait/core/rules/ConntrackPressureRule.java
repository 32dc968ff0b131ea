package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The conntrack table is nearly full or has failed inserts. */
public final class ConntrackPressureRule implements Rule {

  @Override
  public String id() {
    return "CONNTRACK_PRESSURE";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null) {
      return Optional.empty();
    }
    Long count = host.settings().nfConntrackCount();
    Long max = host.settings().nfConntrackMax();
    Long insertFailed = host.counters().conntrackInsertFailed();
    boolean full =
        count != null
            && max != null
            && max > 0
            && count >= input.thresholds().conntrackShare() * max;
    boolean failed = insertFailed != null && insertFailed > 0;
    if (!full && !failed) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    if (count != null && max != null) {
      evidence.add(
          String.format(
              "/proc/sys/net/netfilter/nf_conntrack_count = %d of nf_conntrack_max = %d (%.0f%%)",
              count, max, max == 0 ? 0.0 : 100.0 * count / max));
    }
    if (insertFailed != null) {
      evidence.add("/proc/net/stat/nf_conntrack insert_failed = " + insertFailed + " (all CPUs)");
    }
    Long twTimeout = host.settings().nfConntrackTcpTimeoutTimeWaitSeconds();
    if (twTimeout != null) {
      evidence.add(
          "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait = "
              + twTimeout
              + " s (conntrack keeps its own TIME_WAIT entries)");
    }
    String raise =
        max == null
            ? "raise net.netfilter.nf_conntrack_max"
            : "raise the table: "
                + SysctlConfig.set(host, "net.netfilter.nf_conntrack_max", String.valueOf(max * 2));
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "The conntrack table is under pressure: new connections through NAT can be dropped",
            evidence,
            "Reuse connections (keep-alive, pooling) so fewer flows pass the translator; then "
                + raise
                + ". SNAT ports can run out here even when the host's own TIME_WAIT looks fine.",
            List.of(References.NF_CONNTRACK_SYSCTL)));
  }
}
