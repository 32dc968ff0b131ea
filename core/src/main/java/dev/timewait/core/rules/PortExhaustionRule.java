package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A client destination runs out of ephemeral ports, or blocks much of them. Critical when the range
 * runs out at the current rate (the forecast of {@link DestinationUse}) or when most of it is
 * blocked now; a warning when much of it is blocked now or will be at this rate. TIME_WAIT sockets
 * that {@code tcp_tw_reuse} takes over do not count: with reuse in force a destination settles at
 * about half the range and never fails.
 */
public final class PortExhaustionRule implements Rule {

  @Override
  public String id() {
    return "PORT_EXHAUSTION_RISK";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    Thresholds thresholds = input.thresholds();
    List<DestinationUse> heavy = new ArrayList<>();
    List<DestinationUse> covered = new ArrayList<>();
    Severity severity = Severity.WARNING;
    for (DestinationUse use : Destinations.of(input)) {
      if (critical(use, thresholds)) {
        heavy.add(use);
        severity = Severity.CRITICAL;
      } else if (warning(use, thresholds)) {
        heavy.add(use);
      } else if (use.reuse() && use.usable() != null && use.timeWait() >= use.usable() / 2.0) {
        covered.add(use);
      }
    }
    if (heavy.isEmpty()) {
      return Optional.empty();
    }
    heavy.sort(
        Comparator.comparingDouble(
                (DestinationUse d) ->
                    d.exhaustionPredicted() ? d.secondsToExhaustion() : Double.MAX_VALUE)
            .thenComparing(
                Comparator.comparingDouble(
                        (DestinationUse d) -> d.utilization() == null ? 0 : d.utilization())
                    .reversed()));
    List<String> evidence = new ArrayList<>();
    HostSample host = input.host();
    if (host != null) {
      evidence.add(reuseLine(host));
    }
    for (DestinationUse use : heavy) {
      evidence.add(Destinations.describe(use));
    }
    for (DestinationUse use : covered) {
      evidence.add(
          "not at risk: " + Destinations.describe(use) + " (tcp_tw_reuse covers this destination)");
    }
    if (host == null) {
      evidence.add(
          "no host sampled: assumed the default range 32768-60999 ("
              + Destinations.DEFAULT_USABLE
              + " usable ports)");
    }
    boolean reuseWouldHelp = false;
    for (DestinationUse use : heavy) {
      reuseWouldHelp |= !use.reuse();
    }
    List<SysctlSetting> asked = new ArrayList<>();
    return Optional.of(
        new Finding(
            id(),
            severity,
            title(heavy.get(0)),
            evidence,
            ClientPortRemedies.text(host, heavy, reuseWouldHelp, asked),
            List.of(References.IP_SYSCTL),
            asked));
  }

  static boolean critical(DestinationUse use, Thresholds thresholds) {
    return use.exhaustionPredicted()
        || (use.utilization() != null && use.utilization() >= thresholds.portCritical());
  }

  static boolean warning(DestinationUse use, Thresholds thresholds) {
    return (use.utilization() != null && use.utilization() >= thresholds.portWarn())
        || (use.steadyShare() != null && use.steadyShare() >= thresholds.portWarn());
  }

  private static String title(DestinationUse top) {
    String where = top.local() + " -> " + top.remote();
    if (top.exhaustionPredicted()) {
      if (top.secondsToExhaustion() < 0.5) {
        return String.format(
            Locale.ROOT,
            "At %.0f new connections/s, %s has spent its %,d usable ports: connect() fails with"
                + " EADDRNOTAVAIL",
            top.ratePerSecond(),
            where,
            top.usable());
      }
      return String.format(
          Locale.ROOT,
          "At %.0f new connections/s to %s the %,d usable ports run out in %.0f s: connect() will"
              + " then fail with EADDRNOTAVAIL",
          top.ratePerSecond(),
          top.remote(),
          top.usable(),
          top.secondsToExhaustion());
    }
    return String.format(
        Locale.ROOT,
        "%s blocks %.0f%% of the usable ephemeral ports: new connections will fail with"
            + " EADDRNOTAVAIL when it reaches 100%%",
        where,
        top.utilization() == null ? 0 : top.utilization() * 100);
  }

  /** The reuse setting and what it covers, so that no reader recommends what is in force. */
  static String reuseLine(HostSample host) {
    Integer reuse = KernelFacts.effectiveReuse(host);
    String timestamps =
        Integer.valueOf(0).equals(host.settings().tcpTimestamps())
            ? "; tcp_timestamps = 0, so it takes over nothing"
            : "";
    String scope;
    if (reuse == null) {
      scope = "unknown";
    } else if (reuse == 0) {
      scope = "0 (connect() never takes over a TIME_WAIT tuple)";
    } else if (reuse == 2) {
      scope = "2 (loopback only: connect() takes over TIME_WAIT tuples to 127/8 and ::1)";
    } else {
      scope = host.settings().tcpTwReuse() + " (every destination)";
    }
    return "/proc/sys/net/ipv4/tcp_tw_reuse = "
        + scope
        + ", after "
        + KernelFacts.reuseAfterMillis(host)
        + " ms in TIME_WAIT"
        + timestamps
        + ", kernel "
        + KernelFacts.release(host);
  }
}
