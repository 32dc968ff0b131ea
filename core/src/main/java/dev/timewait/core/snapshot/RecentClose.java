package dev.timewait.core.snapshot;

import dev.timewait.core.host.SocketPair;
import java.time.Instant;

/**
 * One recent active close, to be matched with the kernel's TIME_WAIT table.
 *
 * @param pair the connection's 4-tuple, or null when the file held one that does not parse
 * @param at when the close happened
 * @param site the frame that closed
 * @param openSite the frame that opened the connection, or null when unknown
 * @param role which side this JVM was
 */
public record RecentClose(SocketPair pair, Instant at, String site, String openSite, Role role) {

  /** The local end as {@code ip:port}, or null. */
  public String local() {
    return pair == null ? null : pair.local();
  }

  /** The remote end as {@code ip:port}, or null. */
  public String remote() {
    return pair == null ? null : pair.remote();
  }
}
