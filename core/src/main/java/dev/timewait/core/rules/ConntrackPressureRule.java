package dev.timewait.core.rules;

import dev.timewait.core.host.ConntrackEntries;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.TcpCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The conntrack table is nearly full, or inserts failed during the sampling window. Conntrack keeps
 * its own TIME_WAIT entries (120 s by default), so on a NAT host the table fills with closed
 * connections while the hosts behind it hold few TIME_WAIT sockets.
 */
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
    CounterChange insertFailed = CounterChange.of(input, TcpCounters::conntrackInsertFailed);
    boolean full =
        count != null
            && max != null
            && max > 0
            && count >= input.thresholds().conntrackShare() * max;
    boolean failed = insertFailed != null && insertFailed.grew();
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
    ConntrackEntries entries = host.nat() == null ? null : host.nat().conntrackEntries();
    if (entries != null && entries.read() > 0) {
      evidence.add(
          String.format(
              Locale.ROOT,
              "/proc/net/nf_conntrack: %d of %s%d entries in TCP TIME_WAIT (%.0f%%), %d translated",
              entries.tcpTimeWait(),
              entries.truncated() ? "the first " : "",
              entries.read(),
              100.0 * entries.tcpTimeWait() / entries.read(),
              entries.translated()));
    }
    if (insertFailed != null) {
      evidence.add(
          "/proc/net/stat/nf_conntrack " + insertFailed.describe("insert_failed") + " (all CPUs)");
    }
    Long twTimeout = host.settings().nfConntrackTcpTimeoutTimeWaitSeconds();
    if (twTimeout != null) {
      evidence.add(
          "/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait = "
              + twTimeout
              + " s (conntrack keeps its own TIME_WAIT entries)");
    }
    List<SysctlSetting> asked = new ArrayList<>();
    String raise =
        max == null
            ? "raise net.netfilter.nf_conntrack_max"
            : "raise the table: "
                + SysctlConfig.set(
                    host, "net.netfilter.nf_conntrack_max", String.valueOf(max * 2), asked);
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "The conntrack table is under pressure: new connections through NAT can be dropped",
            evidence,
            "Reuse connections (keep-alive, pooling) so fewer flows pass the translator; then "
                + raise
                + ". SNAT ports can run out here even when the host's own TIME_WAIT looks fine.",
            List.of(References.NF_CONNTRACK_SYSCTL),
            asked));
  }
}
