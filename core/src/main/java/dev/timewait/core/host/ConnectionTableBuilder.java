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
 * the grouping rules live in one place. One builder per sample; not thread-safe.
 *
 * <p>A TIME_WAIT row is the server side when its local port listens, when nothing listens there but
 * the port lies outside the ephemeral range (a server that stopped), or when its local endpoint is
 * shared by at least {@link #SHARED_ENDPOINT_ROWS} TIME_WAIT rows each of which is a destination of
 * its own (a server on an ephemeral port that stopped: its clients' ports differ, its own does
 * not). Every other TIME_WAIT row is the client side, grouped by (local IP, remote IP, remote
 * port). Listening ports are best known before the rows that use them: the kernel prints listeners
 * first, and {@link #markListening(int)} covers the other file of the pair.
 */
public final class ConnectionTableBuilder implements ProcNetTcpParser.RowSink {

  /** USER_HZ: the unit of {@code tm->when} in {@code /proc/net/tcp}, 100 on every Linux port. */
  public static final int USER_HZ = 100;

  /** TCP_TIMEWAIT_LEN on Linux: a row's age is this minus its remaining timer. */
  public static final long TIME_WAIT_MILLIS = 60_000;

  /**
   * {@code tcp_tw_reuse} takes over tuples this old on kernels without {@code tcp_tw_reuse_delay}.
   */
  public static final long DEFAULT_REUSE_AFTER_MILLIS = 1000;

  /** TIME_WAIT rows on one local endpoint, each to another client port, that make it a server. */
  public static final int SHARED_ENDPOINT_ROWS = 8;

  private static final int CLIENT_KEY_WIDTH = 9; // local words, remote words, remote port
  private static final int SERVER_KEY_WIDTH = 5; // local port, remote words
  private static final int ENDPOINT_KEY_WIDTH = 5; // local words, local port

  // counters of a client group
  private static final int TIME_WAIT = 0;
  private static final int IN_USE = 1;
  private static final int REUSABLE = 2;
  private static final int RECENT = 3;
  private static final int OLDEST_AGE = 4; // milliseconds + 1; 0 = no timer seen
  private static final int TIMED = 5;
  private static final int LOCAL_PORT = 6; // port + 1 of its TIME_WAIT rows; -1 = several ports
  private static final int CLIENT_COUNTERS = 7;

  private final PortRange portRange;
  private final Set<SocketPair> watched;
  private final long reuseAfterMillis;
  private final BitSet watchedLocalPorts = new BitSet(65536);
  private final BitSet listening = new BitSet(65536);
  private final long[] states = new long[16];
  private final long[] serverTimeWait = new long[65536];
  private final long[] timerBuckets = new long[TimerSpread.BUCKETS];
  private final TupleCountTable clients =
      new TupleCountTable(CLIENT_KEY_WIDTH, CLIENT_COUNTERS, 1024);
  private final TupleCountTable serverRemotes = new TupleCountTable(SERVER_KEY_WIDTH, 256);
  private final TupleCountTable endpoints = new TupleCountTable(ENDPOINT_KEY_WIDTH, 1, 1024);
  private final int[] clientKey = new int[CLIENT_KEY_WIDTH];
  private final int[] serverKey = new int[SERVER_KEY_WIDTH];
  private final int[] endpointKey = new int[ENDPOINT_KEY_WIDTH];
  private final Set<SocketPair> watchedFound = new HashSet<>();
  private final Set<SocketPair> watchedHeld = new HashSet<>();
  private boolean complete = true;
  private boolean timerSeen;
  private long timeWait;
  private long malformed;

  /**
   * @param portRange the ephemeral range, or null when unknown
   * @param watched 4-tuples to look for in TIME_WAIT (may be empty)
   */
  public ConnectionTableBuilder(PortRange portRange, Set<SocketPair> watched) {
    this(portRange, watched, DEFAULT_REUSE_AFTER_MILLIS);
  }

  /**
   * @param portRange the ephemeral range, or null when unknown
   * @param watched 4-tuples to look for in TIME_WAIT (may be empty)
   * @param reuseAfterMillis how long a tuple must have been in TIME_WAIT before {@code
   *     tcp_tw_reuse} takes it over ({@code tcp_tw_reuse_delay})
   */
  public ConnectionTableBuilder(
      PortRange portRange, Set<SocketPair> watched, long reuseAfterMillis) {
    this.portRange = portRange;
    this.watched = watched == null ? Set.of() : watched;
    this.reuseAfterMillis = Math.max(0, reuseAfterMillis);
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

  /** Some of the table was not read (a file was missing or the read stopped early). */
  public void markIncomplete() {
    complete = false;
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
      clients.add(clients.slot(clientKey), IN_USE, 1);
    }
    if (watchedLocalPorts.get(localPort)) {
      SocketPair pair = row.toSocketPair();
      if (watched.contains(pair)) {
        watchedHeld.add(pair);
      }
    }
    return true;
  }

  private void timeWait(TcpRow row, int localPort) {
    timeWait++;
    long ageMillis = -1;
    if (row.timerTicks != TcpRow.NO_TIMER) {
      timerSeen = true;
      long seconds = row.timerTicks / USER_HZ;
      timerBuckets[(int) Math.min(TimerSpread.BUCKETS - 1, seconds / TimerSpread.BUCKET_SECONDS)]++;
      ageMillis = Math.max(0, TIME_WAIT_MILLIS - row.timerTicks * 1000 / USER_HZ);
    }
    if (listening.get(localPort) || !inRange(localPort)) {
      serverTimeWait(localPort, row.remote, 1);
    } else {
      clientTimeWait(row, localPort, ageMillis);
    }
    if (watchedLocalPorts.get(localPort)) {
      SocketPair pair = row.toSocketPair();
      if (watched.contains(pair)) {
        watchedFound.add(pair);
      }
    }
  }

  private void serverTimeWait(int localPort, int[] remote, long count) {
    serverTimeWait[localPort] += count;
    serverKey[0] = localPort;
    System.arraycopy(remote, 0, serverKey, 1, 4);
    serverRemotes.add(serverKey, count, 0);
  }

  private void clientTimeWait(TcpRow row, int localPort, long ageMillis) {
    clientKey(row);
    int slot = clients.slot(clientKey);
    clients.add(slot, TIME_WAIT, 1);
    clients.add(slot, IN_USE, 1);
    if (ageMillis >= 0) {
      clients.add(slot, TIMED, 1);
      if (ageMillis >= reuseAfterMillis) {
        clients.add(slot, REUSABLE, 1);
      }
      if (ageMillis < ClientTimeWaitGroup.RECENT_SECONDS * 1000L) {
        clients.add(slot, RECENT, 1);
      }
      if (ageMillis + 1 > clients.get(slot, OLDEST_AGE)) {
        clients.set(slot, OLDEST_AGE, ageMillis + 1);
      }
    }
    long port = clients.get(slot, LOCAL_PORT);
    if (port == 0) {
      clients.set(slot, LOCAL_PORT, localPort + 1);
    } else if (port != localPort + 1) {
      clients.set(slot, LOCAL_PORT, -1);
    }
    endpointKey(row.local, localPort);
    endpoints.add(endpoints.slot(endpointKey), 0, 1);
  }

  private void clientKey(TcpRow row) {
    System.arraycopy(row.local, 0, clientKey, 0, 4);
    System.arraycopy(row.remote, 0, clientKey, 4, 4);
    clientKey[8] = row.remotePort & 0xffff;
  }

  private void endpointKey(int[] local, int localPort) {
    System.arraycopy(local, 0, endpointKey, 0, 4);
    endpointKey[4] = localPort;
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
    long[] server = serverTimeWait.clone();
    List<ClientTimeWaitGroup> clientGroups = clientGroups(server);
    int[] distinctRemotes = new int[65536];
    serverRemotes.forEach((key, tw, unused) -> distinctRemotes[key[0]]++);
    List<ServerTimeWaitGroup> serverGroups = new ArrayList<>();
    for (int port = 0; port < 65536; port++) {
      if (server[port] > 0) {
        serverGroups.add(
            new ServerTimeWaitGroup(
                port, server[port], distinctRemotes[port], listening.get(port)));
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
        stateCounts,
        timeWait,
        clientGroups,
        serverGroups,
        remaining,
        malformed,
        watchedFound,
        reuseAfterMillis,
        watchedHeld,
        complete);
  }

  /**
   * The client groups; groups that turn out to be the server side (their one local port listens
   * after all, or is shared by many rows) are added to {@code server} instead.
   */
  private List<ClientTimeWaitGroup> clientGroups(long[] server) {
    Integer usable = portRange == null ? null : portRange.usable();
    List<ClientTimeWaitGroup> groups = new ArrayList<>();
    List<int[]> serverSide = new ArrayList<>();
    int[] local = new int[4];
    int[] remote = new int[4];
    int[] endpoint = new int[ENDPOINT_KEY_WIDTH];
    clients.forEachEntry(
        (key, counts) -> {
          long tw = counts[TIME_WAIT];
          if (tw == 0) {
            return;
          }
          if (counts[LOCAL_PORT] > 0) {
            int port = (int) counts[LOCAL_PORT] - 1;
            System.arraycopy(key, 0, endpoint, 0, 4);
            endpoint[4] = port;
            if (listening.get(port) || endpoints.lookup(endpoint, 0) >= SHARED_ENDPOINT_ROWS) {
              server[port] += tw;
              int[] serverRow = new int[SERVER_KEY_WIDTH + 1];
              serverRow[0] = port;
              System.arraycopy(key, 4, serverRow, 1, 4);
              serverRow[SERVER_KEY_WIDTH] = (int) tw;
              serverSide.add(serverRow);
              return;
            }
          }
          System.arraycopy(key, 0, local, 0, 4);
          System.arraycopy(key, 4, remote, 0, 4);
          boolean timed = counts[TIMED] > 0;
          groups.add(
              new ClientTimeWaitGroup(
                  TcpRow.format(local),
                  TcpRow.format(remote),
                  key[8],
                  tw,
                  counts[IN_USE],
                  usable,
                  timed ? counts[REUSABLE] : null,
                  timed ? counts[RECENT] : null,
                  timed ? counts[OLDEST_AGE] - 1 : null));
        });
    for (int[] row : serverSide) {
      System.arraycopy(row, 0, serverKey, 0, SERVER_KEY_WIDTH);
      serverRemotes.add(serverKey, row[SERVER_KEY_WIDTH], 0);
    }
    groups.sort(
        Comparator.comparingLong(ClientTimeWaitGroup::timeWait)
            .reversed()
            .thenComparing(ClientTimeWaitGroup::remoteIp)
            .thenComparingInt(ClientTimeWaitGroup::remotePort)
            .thenComparing(ClientTimeWaitGroup::localIp));
    return groups;
  }
}
