package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One client destination group holds much of the usable ephemeral range. */
public final class PortExhaustionRule implements Rule {

  @Override
  public String id() {
    return "PORT_EXHAUSTION_RISK";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    Thresholds thresholds = input.thresholds();
    List<DestinationUse> heavy = new ArrayList<>();
    Severity severity = Severity.WARNING;
    for (DestinationUse use : Destinations.of(input)) {
      if (use.utilization() != null && use.utilization() >= thresholds.portWarn()) {
        heavy.add(use);
        if (use.utilization() >= thresholds.portCritical()) {
          severity = Severity.CRITICAL;
        }
      }
    }
    if (heavy.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    for (DestinationUse use : heavy) {
      evidence.add(Destinations.describe(use));
    }
    HostSample host = input.host();
    if (host == null) {
      evidence.add(
          "no host sampled: assumed the default range 32768-60999 ("
              + Destinations.DEFAULT_USABLE
              + " usable ports)");
    }
    Integer reuse = host == null ? null : KernelFacts.effectiveReuse(host);
    DestinationUse top = heavy.get(0);
    return Optional.of(
        new Finding(
            id(),
            severity,
            String.format(
                "%s -> %s holds %.0f%% of the usable ephemeral ports: new connections will fail"
                    + " with EADDRNOTAVAIL when it reaches 100%%",
                top.local(), top.remote(), top.utilization() * 100),
            evidence,
            ClientPortRemedies.text(host, heavy, reuse != null && reuse != 1),
            List.of(References.IP_SYSCTL)));
  }
}
