package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Closes}: every TCP close this JVM made, by kind, role, code site and
 * remote endpoint. Open types only, so that any JMX console shows it without timewait's classes.
 */
public interface ClosesMXBean {
  /** Connections whose FIN this JVM sent first: each leaves a TIME_WAIT socket on this host. */
  long getActiveCloses();

  /** Connections the peer closed first: no TIME_WAIT here. */
  long getPassiveCloses();

  /** Connections ended by RST from this JVM (SO_LINGER 0 or unread data): data may be lost. */
  long getAbortiveCloses();

  /** Closes by kind and role, keyed {@code ACTIVE/CLIENT}, {@code PASSIVE/SERVER} and so on. */
  Map<String, Long> getClosesByKindAndRole();

  /** Active closes by close site (the first application frame of the closing thread). */
  Map<String, Long> getActiveClosesBySite();

  /** Active closes by open site (the code that connected or accepted). */
  Map<String, Long> getActiveClosesByOpenSite();

  /** Active closes by remote endpoint {@code ip:port}. */
  Map<String, Long> getActiveClosesByEndpoint();

  /**
   * Connections the peer closed while the application has kept them open past {@code
   * closeWaitAfter}: a CLOSE_WAIT leak.
   */
  long getCloseWaitConnections();

  /** CLOSE_WAIT leaks by open site (the code that connected or accepted and never closed). */
  Map<String, Long> getCloseWaitByOpenSite();

  /** Connections open now that the agent saw being opened. */
  long getTrackedConnections();
}
