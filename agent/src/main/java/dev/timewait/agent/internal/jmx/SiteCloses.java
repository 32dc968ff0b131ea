package dev.timewait.agent.internal.jmx;

/** The closes of one code site row, by kind. */
public final class SiteCloses {
  private final long active;
  private final long passive;
  private final long abortive;

  public SiteCloses(long active, long passive, long abortive) {
    this.active = active;
    this.passive = passive;
    this.abortive = abortive;
  }

  public long getActive() {
    return active;
  }

  public long getPassive() {
    return passive;
  }

  public long getAbortive() {
    return abortive;
  }
}
