package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client destination blocks much of the ephemeral range, or runs out at its rate, and {@code
 * connect()} may not reuse its TIME_WAIT tuples ({@code tcp_tw_reuse} 0, or 2 with the churn going
 * to other hosts). Silent when reuse is already 1, and when timestamps are off (reuse would take
 * over nothing: {@code TIMESTAMPS_DISABLED} says so).
 */
public final class TwReuseRecommendedRule implements Rule {

  @Override
  public String id() {
    return "TW_REUSE_RECOMMENDED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null) {
      return Optional.empty();
    }
    Integer reuse = KernelFacts.effectiveReuse(host);
    if (reuse == null || reuse == 1 || Integer.valueOf(0).equals(host.settings().tcpTimestamps())) {
      return Optional.empty();
    }
    List<DestinationUse> heavy = new ArrayList<>();
    for (DestinationUse use : Destinations.of(input)) {
      if (!use.reuse()
          && (use.exhaustionPredicted()
              || (use.utilization() != null
                  && use.utilization() >= input.thresholds().reuseShare()))) {
        heavy.add(use);
      }
    }
    if (heavy.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    evidence.add(
        "/proc/sys/net/ipv4/tcp_tw_reuse = "
            + host.settings().tcpTwReuse()
            + (reuse == 2
                ? " (loopback only since 4.18; these destinations are not loopback)"
                : " (off)")
            + ", kernel "
            + KernelFacts.release(host));
    for (DestinationUse use : heavy) {
      evidence.add(Destinations.describe(use));
    }
    List<String> references = new ArrayList<>(List.of(References.IP_SYSCTL));
    if (reuse == 2) {
      references.add(References.REUSE_LOOPBACK);
    }
    if (KernelFacts.hasReuseDelay(host)) {
      references.add(References.REUSE_DELAY);
    }
    List<SysctlSetting> asked = new ArrayList<>();
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "Client connections use "
                + Math.round(heavy.get(0).utilization() * 100)
                + "% of the ephemeral ports towards "
                + heavy.get(0).remote()
                + " and connect() may not reuse TIME_WAIT ports",
            evidence,
            ClientPortRemedies.text(host, heavy, true, asked),
            references,
            asked));
  }
}
