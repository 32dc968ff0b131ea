package dev.timewait.examples;

/** The end of a loopback connection: the one that connected, or the one that accepted. */
public enum Side {
  CLIENT,
  SERVER;

  /** The lower-case name used in summaries and tuple files. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
