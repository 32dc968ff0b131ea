package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Runs every rule and adds {@code HEALTHY} when nothing needs attention. */
public final class Analyzer {

  /** Id of the finding added when no rule reports a warning or worse. */
  public static final String HEALTHY = "HEALTHY";

  private final List<Rule> rules;

  public Analyzer(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** All rules of this version. */
  public static Analyzer standard() {
    return new Analyzer(
        List.of(
            new HostUnreadableRule(),
            new TwRecycleNatRule(),
            new TwRecycleEnabledRule(),
            new TwRecycleRemovedRule(),
            new PortExhaustionRule(),
            new TwReuseRecommendedRule(),
            new TwReuseLoopbackOnlyRule(),
            new TimestampsDisabledRule(),
            new FinTimeoutMythRule(),
            new TwBucketsOverflowRule(),
            new ServerActiveCloseRule(),
            new ConntrackPressureRule(),
            new NatDetectedRule(),
            new CloseWaitLeakRule(),
            new ServerIdleCutoffRule(),
            new PawsRejectsRule(),
            new AbortiveClosesRule(),
            new ClientChurnSiteRule()));
  }

  /**
   * Whether a finding reports something to look at: every finding but the {@code HEALTHY} verdict.
   */
  public static boolean isProblem(Finding finding) {
    return !finding.id().equals(HEALTHY);
  }

  /** The findings, most severe first. */
  public List<Finding> analyze(AnalysisInput input) {
    List<Finding> findings = new ArrayList<>();
    for (Rule rule : rules) {
      rule.evaluate(input).ifPresent(findings::add);
    }
    boolean needsAttention = false;
    for (Finding finding : findings) {
      needsAttention |= finding.severity().atLeast(Severity.WARNING);
    }
    findings.sort(Comparator.comparing(Finding::severity));
    if (!needsAttention) {
      findings.add(0, healthy(input)); // the verdict comes first
    }
    return findings;
  }

  private static Finding healthy(AnalysisInput input) {
    List<String> evidence = new ArrayList<>();
    HostSample host = input.host();
    if (host != null) {
      Long timeWait = host.timeWaitNow();
      evidence.add(
          "TIME_WAIT sockets now: "
              + (timeWait == null ? "unknown" : timeWait)
              + (host.table() != null ? " (/proc/net/tcp)" : " (/proc/net/sockstat)"));
    }
    List<DestinationUse> destinations = Destinations.of(input);
    if (!destinations.isEmpty() && destinations.get(0).utilization() != null) {
      evidence.add("busiest client destination: " + Destinations.describe(destinations.get(0)));
    }
    if (!input.snapshots().isEmpty()) {
      evidence.add(
          input.snapshots().size() + " agent snapshot(s): no site closes fast enough to matter");
    }
    return new Finding(
        HEALTHY,
        Severity.INFO,
        "Healthy: no tuning is needed",
        evidence,
        "Leave the TIME_WAIT settings as they are: TIME_WAIT is normal for the side that closes"
            + " first, and nothing here is near a limit.",
        List.of());
  }
}
