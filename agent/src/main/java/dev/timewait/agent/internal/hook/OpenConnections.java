package dev.timewait.agent.internal.hook;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Open connections indexed by file descriptor number: lock-free, no boxing, and bounded by the
 * process's descriptor limit. A descriptor number is reused only after its socket is closed, so a
 * stale entry (a socket the GC closed without {@code close()}) is overwritten by the next open.
 */
public final class OpenConnections {
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MAX_CHUNKS = 4096;

  private final AtomicReferenceArray<AtomicReferenceArray<Connection>> chunks =
      new AtomicReferenceArray<>(MAX_CHUNKS);

  Connection get(int fd) {
    AtomicReferenceArray<Connection> chunk = chunk(fd, false);
    return chunk == null ? null : chunk.get(fd & (CHUNK - 1));
  }

  public void put(int fd, Connection connection) {
    AtomicReferenceArray<Connection> chunk = chunk(fd, true);
    if (chunk != null) {
      chunk.set(fd & (CHUNK - 1), connection);
    }
  }

  public void remove(int fd) {
    AtomicReferenceArray<Connection> chunk = chunk(fd, false);
    if (chunk != null) {
      chunk.set(fd & (CHUNK - 1), null);
    }
  }

  /** Removes the entry if it is still {@code expected}; of two racing closes only one succeeds. */
  public boolean remove(int fd, Connection expected) {
    AtomicReferenceArray<Connection> chunk = chunk(fd, false);
    return chunk != null && chunk.compareAndSet(fd & (CHUNK - 1), expected, null);
  }

  /** Visits every tracked connection (a full scan: for the background thread, not for hooks). */
  public void forEach(Visitor visitor) {
    for (int c = 0; c < MAX_CHUNKS; c++) {
      AtomicReferenceArray<Connection> chunk = chunks.get(c);
      if (chunk != null) {
        for (int i = 0; i < CHUNK; i++) {
          Connection connection = chunk.get(i);
          if (connection != null) {
            visitor.visit((c << CHUNK_BITS) | i, connection);
          }
        }
      }
    }
  }

  /** Number of tracked connections (a full scan). */
  public int size() {
    int[] n = {0};
    forEach((fd, connection) -> n[0]++);
    return n[0];
  }

  /** Receives each tracked connection with its descriptor number. */
  public interface Visitor {
    void visit(int fd, Connection connection);
  }

  private AtomicReferenceArray<Connection> chunk(int fd, boolean create) {
    if (fd < 0) {
      return null;
    }
    int index = fd >>> CHUNK_BITS;
    if (index >= MAX_CHUNKS) {
      return null;
    }
    AtomicReferenceArray<Connection> chunk = chunks.get(index);
    if (chunk == null && create) {
      chunks.compareAndSet(index, null, new AtomicReferenceArray<>(CHUNK));
      chunk = chunks.get(index);
    }
    return chunk;
  }
}
