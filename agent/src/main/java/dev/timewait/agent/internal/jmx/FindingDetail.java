package dev.timewait.agent.internal.jmx;

/** What a console shows for one finding. */
public final class FindingDetail {
  private final String title;
  private final String evidence;
  private final String recommendation;
  private final long raisedAtMillis;

  public FindingDetail(String title, String evidence, String recommendation, long raisedAtMillis) {
    this.title = title;
    this.evidence = evidence;
    this.recommendation = recommendation;
    this.raisedAtMillis = raisedAtMillis;
  }

  public String getTitle() {
    return title;
  }

  /** The numbers behind the finding, one per line. */
  public String getEvidence() {
    return evidence;
  }

  public String getRecommendation() {
    return recommendation;
  }

  /** When the finding first appeared in this JVM, milliseconds since the epoch. */
  public long getRaisedAtMillis() {
    return raisedAtMillis;
  }
}
