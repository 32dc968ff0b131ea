package dev.timewait.agent.internal.record;

import java.util.List;

/**
 * A place in the code: the first application frame of a stack, formatted like {@code
 * StackTraceElement.toString()} without the module part, with a short stack below it for
 * drill-down, and the library the stack went through. Interned: one instance per distinct frame.
 */
public final class CodeSite {
  /** Stands for every site past the table's cap. */
  public static final CodeSite OTHER = placeholder("(other sites)");

  /** The connection was open before the agent started: its open site is unknown. */
  public static final CodeSite BEFORE_AGENT = placeholder("(opened before the agent)");

  /** Sockets of the agent itself or of the JMX connector: never counted as application closes. */
  public static final CodeSite INTERNAL = placeholder("(timewait or JMX connector)");

  /** Closes on a JDK-owned thread with no frame outside java.base. */
  public static final CodeSite JDK_ONLY = placeholder("(no application frame)");

  /**
   * A connection past the agent's {@code siteRate} whose stacks were not walked: it counts in the
   * totals and endpoints, and in the site rows only through the sampled connections' weights.
   */
  public static final CodeSite NOT_SAMPLED = placeholder("(site not sampled)");

  public final String frame;
  public final List<String> stack;

  /** The frame is the application's own code, not a JDK or library frame or a placeholder. */
  public final boolean application;

  /**
   * The library the connection went through: Maven coordinates {@code group:artifact:version}, the
   * name of a JDK module ({@code java.net.http}), or null for the application's own use of the
   * JDK's sockets.
   */
  public final String via;

  public CodeSite(String frame, List<String> stack, boolean application, String via) {
    this.frame = frame;
    this.stack = stack;
    this.application = application;
    this.via = via;
  }

  /** An application frame that went through no library. */
  public CodeSite(String frame, List<String> stack) {
    this(frame, stack, true, null);
  }

  /**
   * The library a connection went through: its open site's, else its close site's (a pool may close
   * on its own thread what the application opened through a driver).
   */
  public static String via(CodeSite closeSite, CodeSite openSite) {
    if (openSite != null && openSite.via != null) {
      return openSite.via;
    }
    return closeSite == null ? null : closeSite.via;
  }

  private static CodeSite placeholder(String name) {
    return new CodeSite(name, List.of(), false, null);
  }

  @Override
  public String toString() {
    return frame;
  }
}
