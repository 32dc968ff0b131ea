package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.List;
import java.util.Optional;

/** The host translates addresses or sits behind a translator. */
public final class NatDetectedRule implements Rule {

  @Override
  public String id() {
    return "NAT_DETECTED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    List<String> signals = host == null ? List.of() : NatEvidence.of(host);
    if (signals.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "Address translation is involved on this host",
            signals,
            "Nothing to change for this alone. Keep tcp_tw_recycle off (it drops clients behind"
                + " NAT), and remember that conntrack keeps its own TIME_WAIT entries, so SNAT ports"
                + " can run out even when the host's TIME_WAIT count looks fine.",
            List.of(References.NF_CONNTRACK_SYSCTL)));
  }
}
