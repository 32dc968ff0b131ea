package dev.timewait.core.host;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the connection table ({@code tcp} and {@code tcp6}) held when sampled.
 *
 * @param states sockets per state; states with no socket are absent
 * @param timeWait sockets in TIME_WAIT
 * @param clientGroups TIME_WAIT sockets whose local port is not listening, per (local IP, remote
 *     IP, remote port), most sockets first
 * @param serverGroups TIME_WAIT sockets whose local port is listening, per port, most sockets first
 * @param remaining how long the TIME_WAIT sockets have left, or null when the platform does not say
 * @param malformedLines lines or entries that could not be read and were skipped
 * @param watchedInTimeWait those of the watched 4-tuples (see {@link
 *     HostCollector#sampleTable(Set)}) that are in TIME_WAIT
 * @param reuseAfterMillis the age from which {@link ClientTimeWaitGroup#reusableTimeWait()} counts
 *     a TIME_WAIT socket ({@code tcp_tw_reuse_delay}, 1 s before it existed)
 * @param watchedHeld those of the watched 4-tuples held in a state other than TIME_WAIT and LISTEN
 *     (FIN_WAIT1 or FIN_WAIT2 on their way to TIME_WAIT, or the 4-tuple taken by a new connection)
 * @param complete whether every row of the table was read: when not, a watched 4-tuple found in
 *     neither set may be in the part not read
 */
public record ConnectionTable(
    Map<TcpState, Long> states,
    long timeWait,
    List<ClientTimeWaitGroup> clientGroups,
    List<ServerTimeWaitGroup> serverGroups,
    TimerSpread remaining,
    long malformedLines,
    Set<SocketPair> watchedInTimeWait,
    long reuseAfterMillis,
    Set<SocketPair> watchedHeld,
    boolean complete) {

  public ConnectionTable {
    states = Map.copyOf(states);
    clientGroups = List.copyOf(clientGroups);
    serverGroups = List.copyOf(serverGroups);
    watchedInTimeWait = Set.copyOf(watchedInTimeWait);
    watchedHeld = Set.copyOf(watchedHeld);
  }

  /** A table grouped with the default reuse delay of 1 s. */
  public ConnectionTable(
      Map<TcpState, Long> states,
      long timeWait,
      List<ClientTimeWaitGroup> clientGroups,
      List<ServerTimeWaitGroup> serverGroups,
      TimerSpread remaining,
      long malformedLines,
      Set<SocketPair> watchedInTimeWait) {
    this(
        states,
        timeWait,
        clientGroups,
        serverGroups,
        remaining,
        malformedLines,
        watchedInTimeWait,
        ConnectionTableBuilder.DEFAULT_REUSE_AFTER_MILLIS,
        Set.of(),
        true);
  }

  /**
   * Whether the kernel still holds {@code pair} in any state but LISTEN. A 4-tuple closed first by
   * this end that a complete table does not hold was reset after the close, or its TIME_WAIT was
   * skipped or ended early.
   */
  public boolean holds(SocketPair pair) {
    return watchedInTimeWait.contains(pair) || watchedHeld.contains(pair);
  }

  /** Sockets in {@code state}. */
  public long count(TcpState state) {
    return states.getOrDefault(state, 0L);
  }

  /** TIME_WAIT sockets held as a client (local port not listening). */
  public long clientTimeWait() {
    return clientGroups.stream().mapToLong(ClientTimeWaitGroup::timeWait).sum();
  }

  /** TIME_WAIT sockets held as a server (local port listening). */
  public long serverTimeWait() {
    return serverGroups.stream().mapToLong(ServerTimeWaitGroup::timeWait).sum();
  }
}
