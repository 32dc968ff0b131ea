package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.hook.Connection;
import dev.timewait.agent.internal.hook.JdkSockets;
import dev.timewait.agent.internal.hook.LazyJdkSockets;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.Role;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Finds CLOSE_WAIT leaks: connections whose peer has closed while the application keeps its socket
 * open past a threshold. Runs on the background thread, polling each tracked descriptor with a zero
 * timeout; holds no reference to any socket, and forgets entries whose descriptor no longer belongs
 * to the connection (a socket the GC closed, say).
 */
public final class CloseWaitTracker {
  /** Current leaks of one open site and role. */
  public static final class Row {
    public final CodeSite openSite;
    final Role role;
    public final long count;

    Row(CodeSite openSite, Role role, long count) {
      this.openSite = openSite;
      this.role = role;
      this.count = count;
    }
  }

  private final OpenConnections table;
  private final LazyJdkSockets jdk;
  private final Consumer<Connection> onPeerClosed;
  private final long thresholdMillis;
  private volatile List<Row> rows = List.of();

  /**
   * @param peerClosed told once of each connection whose peer's FIN the scan finds first
   */
  public CloseWaitTracker(
      OpenConnections table,
      LazyJdkSockets jdk,
      long thresholdMillis,
      Consumer<Connection> peerClosed) {
    this.table = table;
    this.onPeerClosed = peerClosed;
    this.jdk = jdk;
    this.thresholdMillis = thresholdMillis;
  }

  /** One pass over the open connections. */
  public void scan(long now) {
    if (table.size() == 0) {
      rows = List.of();
      return;
    }
    JdkSockets sockets = jdk.get();
    Map<CodeSite, long[]> bySite = new HashMap<>();
    Map<CodeSite, Role> roles = new HashMap<>();
    table.forEach(
        (fdNumber, connection) -> {
          if (!connection.established || connection.internal) {
            return;
          }
          FileDescriptor fd = sockets.probe(fdNumber);
          if (sockets.descriptorClosed(fd)) {
            table.remove(fdNumber, connection); // the GC closed the socket without close()
            return;
          }
          InetSocketAddress peer = sockets.peer(fd);
          if (peer != null && !connection.sameRemote(peer)) {
            table.remove(fdNumber, connection); // the number now belongs to another socket
            return;
          }
          boolean peerClosed;
          try {
            peerClosed = sockets.peerFinArrived(fd);
          } catch (Throwable t) {
            return;
          }
          if (!peerClosed) {
            return;
          }
          if (connection.peerClosedSeenAt == 0) {
            connection.peerClosedSeenAt = now;
            onPeerClosed.accept(connection);
          }
          if (now - connection.peerClosedSeenAt >= thresholdMillis) {
            bySite.computeIfAbsent(connection.openSite, s -> new long[1])[0]++;
            roles.put(connection.openSite, connection.role);
          }
        });
    List<Row> next = new ArrayList<>(bySite.size());
    for (Map.Entry<CodeSite, long[]> e : bySite.entrySet()) {
      next.add(new Row(e.getKey(), roles.get(e.getKey()), e.getValue()[0]));
    }
    next.sort((a, b) -> Long.compare(b.count, a.count));
    rows = List.copyOf(next);
  }

  /** Leaking connections by open site, as of the last scan. */
  public List<Row> rows() {
    return rows;
  }

  public long total() {
    long sum = 0;
    for (Row row : rows) {
      sum += row.count;
    }
    return sum;
  }
}
