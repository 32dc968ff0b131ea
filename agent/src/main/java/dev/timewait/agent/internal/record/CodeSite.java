package dev.timewait.agent.internal.record;

import java.util.List;

/**
 * A place in the code: the first application frame of a stack, formatted like {@code
 * StackTraceElement.toString()} without the module part, with a short stack below it for
 * drill-down. Interned: one instance per distinct frame.
 */
public final class CodeSite {
  /** Stands for every site past the table's cap. */
  public static final CodeSite OTHER = new CodeSite("(other sites)", List.of());

  /** The connection was open before the agent started: its open site is unknown. */
  public static final CodeSite BEFORE_AGENT = new CodeSite("(opened before the agent)", List.of());

  /** Sockets of the agent itself or of the JMX connector: never counted as application closes. */
  public static final CodeSite INTERNAL = new CodeSite("(timewait or JMX connector)", List.of());

  /** Closes on a JDK-owned thread with no frame outside java.base. */
  public static final CodeSite JDK_ONLY = new CodeSite("(no application frame)", List.of());

  public final String frame;
  public final List<String> stack;

  public CodeSite(String frame, List<String> stack) {
    this.frame = frame;
    this.stack = stack;
  }

  @Override
  public String toString() {
    return frame;
  }
}
