package dev.timewait.stacks;

/** What the suite checks on each case run, against the kernel's account of it. */
enum Check {
  /** The application made its calls without an error, one connection each. */
  RUN("the case ran"),
  /** Every TIME_WAIT tuple on the JVM's side is an active close the agent recorded, same role. */
  RECALL("active recall"),
  /** Every active close the agent recorded is a TIME_WAIT tuple on the JVM's side. */
  PRECISION("active precision"),
  /** Passive closes: the peer holds TIME_WAIT and the JVM's side does not, or the peer reset. */
  PASSIVE("passive"),
  /** Abortive closes: the kernel's resets on close ({@code TCPAbortOnClose}, {@code OnData}). */
  ABORTIVE("abortive"),
  /** Every close is named by the case's own method, as the close site or the open site. */
  NAMED("named");

  private final String label;

  Check(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }
}
