package dev.timewait.agent.internal.jmx;

/**
 * The closes of one code site row, by kind, and how many of them are estimated from sampled stacks
 * (the agent's {@code siteRate}; 0: exact).
 */
public final class SiteCloses {
  private final long active;
  private final long passive;
  private final long abortive;
  private final long estimated;

  public SiteCloses(long active, long passive, long abortive, long estimated) {
    this.active = active;
    this.passive = passive;
    this.abortive = abortive;
    this.estimated = estimated;
  }

  public long getEstimated() {
    return estimated;
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
