package dev.timewait.core.snapshot;

/**
 * Connections the peer closed that this JVM has not closed yet (CLOSE_WAIT), per open site.
 *
 * @param openSite where the connection was opened
 * @param role which side this JVM was
 * @param count connections
 */
public record CloseWaitStats(String openSite, Role role, long count) {}
