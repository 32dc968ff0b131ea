package dev.timewait.agent.internal.jmx;

/** A finding's stable id and its severity: the key of the {@code Findings} attribute. */
public final class FindingKey {
  private final String id;
  private final String severity;

  public FindingKey(String id, String severity) {
    this.id = id;
    this.severity = severity;
  }

  /** e.g. {@code CLIENT_CHURN_SITE}. */
  public String getId() {
    return id;
  }

  /** {@code critical}, {@code warning} or {@code info}. */
  public String getSeverity() {
    return severity;
  }
}
