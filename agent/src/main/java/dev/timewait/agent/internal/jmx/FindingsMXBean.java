package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Findings}: the analyzer's findings for this JVM and its host, refreshed
 * on the agent's background thread. Emits {@code timewait.finding.raised} and {@code
 * timewait.finding.cleared} notifications; their user data is the finding's id.
 */
@Description(
    "timewait findings for this JVM and host; notifications timewait.finding.raised and"
        + " timewait.finding.cleared")
public interface FindingsMXBean {
  /** Notification type sent when a finding appears (or its severity changes). */
  String RAISED = "timewait.finding.raised";

  /** Notification type sent when a finding is gone. */
  String CLEARED = "timewait.finding.cleared";

  @Description("Findings now, HEALTHY not counted")
  int getFindingCount();

  @Description("Critical findings now")
  int getCriticalCount();

  @Description("Warning findings now")
  int getWarningCount();

  @Description("Info findings now, HEALTHY not counted")
  int getInfoCount();

  @Description("True when no finding is a warning or worse")
  boolean isHealthy();

  @Description("Findings by id and severity: title, evidence, recommendation, when raised")
  Map<FindingKey, FindingDetail> getFindings();

  @Description("Analyzer runs so far (one every snapshot interval)")
  long getRuns();

  @Description("Milliseconds the last analyzer run took")
  long getLastRunMillis();
}
