package dev.timewait.analyzer.snapshot;

import java.time.Instant;

/**
 * One recent active close, to be matched with the kernel's TIME_WAIT table.
 *
 * @param local local {@code ip:port} ({@code [v6]:port})
 * @param remote remote {@code ip:port} ({@code [v6]:port})
 * @param at when the close happened
 * @param site the frame that closed
 * @param openSite the frame that opened the connection, or null when unknown
 * @param role which side this JVM was
 */
public record RecentClose(
    String local, String remote, Instant at, String site, String openSite, Role role) {}
