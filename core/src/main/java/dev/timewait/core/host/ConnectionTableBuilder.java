package dev.timewait.core.host;

import dev.timewait.core.host.linux.ProcNetTcpParser;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups the rows of a connection table into a {@link ConnectionTable}. Both collectors feed it, so
 * the grouping rules live in one place. Listening ports must be known before the TIME_WAIT rows
 * that use them arrive: the kernel prints listeners first, and {@link #markListening(int)} covers
 * the other file of the pair. One builder per sample; not thread-safe.
 */
public final class ConnectionTableBuilder implements ProcNetTcpParser.RowSink {

  /** USER_HZ: the unit of {@code tm->when} in {@code /proc/net/tcp}, 100 on every Linux port. */
  public static final int USER_HZ = 100;

  private static final int CLIENT_KEY_WIDTH = 9; // local words, remote words, remote port
  private static final int SERVER_KEY_WIDTH = 5; // local port, remote words

  private final PortRange portRange;
  private final Set<SocketPair> watched;
  private final BitSet watchedLocalPorts = new BitSet(65536);
  private final BitSet listening = new BitSet(65536);
  private final long[] states = new long[16];
  private final long[] serverTimeWait = new long[65536];
  private final long[] timerBuckets = new long[TimerSpread.BUCKETS];
  private final TupleCountTable clients = new TupleCountTable(CLIENT_KEY_WIDTH, 1024);
  private final TupleCountTable serverRemotes = new TupleCountTable(SERVER_KEY_WIDTH, 256);
  private final int[] clientKey = new int[CLIENT_KEY_WIDTH];
  private final int[] serverKey = new int[SERVER_KEY_WIDTH];
  private final Set<SocketPair> watchedFound = new HashSet<>();
  private boolean timerSeen;
  private long timeWait;
  private long malformed;

  /**
   * @param portRange the ephemeral range, or null when unknown
   * @param watched 4-tuples to look for in TIME_WAIT (may be empty)
   */
  public ConnectionTableBuilder(PortRange portRange, Set<SocketPair> watched) {
    this.portRange = portRange;
    this.watched = watched == null ? Set.of() : watched;
    for (SocketPair pair : this.watched) {
      if (pair != null && pair.localPort() >= 0 && pair.localPort() < 65536) {
        watchedLocalPorts.set(pair.localPort());
      }
    }
  }

  /** Records a listening port seen ahead of the main scan. */
  public void markListening(int port) {
    listening.set(port & 0xffff);
  }

  /** Adds lines or entries the source could not read. */
  public void addMalformed(long count) {
    malformed += count;
  }

  @Override
  public boolean accept(TcpRow row) {
    TcpState state = TcpState.ofCode(row.state);
    if (state == null) {
      malformed++;
      return true;
    }
    states[row.state]++;
    int localPort = row.localPort & 0xffff;
    if (state == TcpState.LISTEN) {
      listening.set(localPort);
      return true;
    }
    if (state == TcpState.TIME_WAIT) {
      timeWait(row, localPort);
      return true;
    }
    if (!listening.get(localPort) && inRange(localPort)) {
      clientKey(row);
      clients.add(clientKey, 0, 1);
    }
    return true;
  }

  private void timeWait(TcpRow row, int localPort) {
    timeWait++;
    if (row.timerTicks != TcpRow.NO_TIMER) {
      timerSeen = true;
      long seconds = row.timerTicks / USER_HZ;
      timerBuckets[(int) Math.min(TimerSpread.BUCKETS - 1, seconds / TimerSpread.BUCKET_SECONDS)]++;
    }
    if (listening.get(localPort)) {
      serverTimeWait[localPort]++;
      serverKey[0] = localPort;
      System.arraycopy(row.remote, 0, serverKey, 1, 4);
      serverRemotes.add(serverKey, 1, 0);
    } else {
      clientKey(row);
      clients.add(clientKey, 1, inRange(localPort) ? 1 : 0);
    }
    if (watchedLocalPorts.get(localPort)) {
      SocketPair pair = row.toSocketPair();
      if (watched.contains(pair)) {
        watchedFound.add(pair);
      }
    }
  }

  private void clientKey(TcpRow row) {
    System.arraycopy(row.local, 0, clientKey, 0, 4);
    System.arraycopy(row.remote, 0, clientKey, 4, 4);
    clientKey[8] = row.remotePort & 0xffff;
  }

  private boolean inRange(int port) {
    return portRange == null || portRange.contains(port);
  }

  /** The table as grouped so far. */
  public ConnectionTable build() {
    Map<TcpState, Long> stateCounts = new EnumMap<>(TcpState.class);
    for (TcpState state : TcpState.values()) {
      if (states[state.code()] > 0) {
        stateCounts.put(state, states[state.code()]);
      }
    }
    Integer usable = portRange == null ? null : portRange.usable();
    List<ClientTimeWaitGroup> clientGroups = new ArrayList<>();
    int[] local = new int[4];
    int[] remote = new int[4];
    clients.forEach(
        (key, tw, inUse) -> {
          if (tw > 0) {
            System.arraycopy(key, 0, local, 0, 4);
            System.arraycopy(key, 4, remote, 0, 4);
            clientGroups.add(
                new ClientTimeWaitGroup(
                    TcpRow.format(local), TcpRow.format(remote), key[8], tw, inUse, usable));
          }
        });
    clientGroups.sort(
        Comparator.comparingLong(ClientTimeWaitGroup::timeWait)
            .reversed()
            .thenComparing(ClientTimeWaitGroup::remoteIp)
            .thenComparingInt(ClientTimeWaitGroup::remotePort)
            .thenComparing(ClientTimeWaitGroup::localIp));
    int[] distinctRemotes = new int[65536];
    serverRemotes.forEach((key, tw, unused) -> distinctRemotes[key[0]]++);
    List<ServerTimeWaitGroup> serverGroups = new ArrayList<>();
    for (int port = 0; port < 65536; port++) {
      if (serverTimeWait[port] > 0) {
        serverGroups.add(
            new ServerTimeWaitGroup(port, serverTimeWait[port], distinctRemotes[port]));
      }
    }
    serverGroups.sort(
        Comparator.comparingLong(ServerTimeWaitGroup::timeWait)
            .reversed()
            .thenComparingInt(ServerTimeWaitGroup::localPort));
    TimerSpread remaining = null;
    if (timerSeen || timeWait == 0) {
      List<Long> buckets = new ArrayList<>(TimerSpread.BUCKETS);
      for (long count : timerBuckets) {
        buckets.add(count);
      }
      remaining = new TimerSpread(buckets);
    }
    return new ConnectionTable(
        stateCounts, timeWait, clientGroups, serverGroups, remaining, malformed, watchedFound);
  }
}
