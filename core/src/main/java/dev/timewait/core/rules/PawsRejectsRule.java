package dev.timewait.core.rules;

import dev.timewait.core.host.TcpCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Segments were dropped by PAWS (timestamps older than the last seen) during the sampling window;
 * totals since boot are not judged.
 */
public final class PawsRejectsRule implements Rule {

  @Override
  public String id() {
    return "PAWS_REJECTS";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    if (input.host() == null) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    add(evidence, "PAWSActive", CounterChange.of(input, TcpCounters::pawsActive));
    add(evidence, "PAWSEstab", CounterChange.of(input, TcpCounters::pawsEstab));
    add(evidence, "PAWSPassive", CounterChange.of(input, TcpCounters::pawsPassive));
    add(evidence, "PAWSTimewait", CounterChange.of(input, TcpCounters::pawsTimewait));
    add(evidence, "PAWSOldAck", CounterChange.of(input, TcpCounters::pawsOldAck));
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "PAWS dropped segments with old timestamps",
            evidence,
            "No tuning: PAWS protects connections from old duplicate segments and these counters"
                + " grow a little on any busy host. Do not turn timestamps off. A growing"
                + " PAWSPassive with tcp_tw_recycle = 1 means clients behind NAT are being dropped"
                + " (see TW_RECYCLE_NAT).",
            List.of(References.RFC_7323)));
  }

  private static void add(List<String> evidence, String name, CounterChange change) {
    if (change != null && change.grew()) {
      evidence.add("/proc/net/netstat TcpExt " + change.describe(name));
    }
  }
}
