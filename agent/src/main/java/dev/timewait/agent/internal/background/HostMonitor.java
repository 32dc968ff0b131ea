package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.TcpCounters;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.match.TimeWaitMatcher;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.HostDestination;
import dev.timewait.core.snapshot.HostMatch;
import dev.timewait.core.snapshot.HostSection;
import dev.timewait.core.snapshot.RecentClose;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Samples the host on a thread of its own: the kernel counters every {@code hostInterval}, the
 * whole connection table every {@code tableInterval}, matched with this JVM's recent active closes.
 * A slow or failing {@code /proc} never touches the application's threads or the snapshot thread.
 *
 * <p>One thread takes every sample, so a sample never starts while the previous one is still going,
 * and the next table sample starts no sooner than {@link #DUTY_CYCLE_FACTOR} times the last one's
 * duration after its start: whatever the table's size and however short {@code tableInterval},
 * table samples take at most a tenth of one core (at 100,000 TIME_WAIT sockets and the default
 * interval, well under 1 %: {@code bench/run.sh} measures it). The collector is made on that thread
 * at its first sample. What the thread keeps between samples is the grouped table, not the matched
 * 4-tuples.
 */
public final class HostMonitor implements Runnable {
  /** Destinations, ports and sites shown: the largest, so that MBeans and labels stay bounded. */
  static final int MAX_ROWS = 50;

  /** Table samples start at least this many times the last one's duration apart. */
  static final int DUTY_CYCLE_FACTOR = 10;

  /**
   * A table sample brought forward because the kernel reset closed sockets ({@link LateResets})
   * starts at least this many times the last one's duration after it: such samples stay under 1 %
   * of the thread's time, whatever the table's size.
   */
  static final int EARLY_DUTY_CYCLE_FACTOR = 100;

  /** How long the exit waits for a sample in progress before it leaves the late resets alone. */
  static final long EXIT_WAIT_MILLIS = 500;

  /** The most sockets for which the exit reads the table (about 15 ms of reading). */
  static final long EXIT_MAX_SOCKETS = 20_000;

  private final Supplier<HostCollector> collectorFactory;
  private final CloseRecorder recorder;
  private final AgentErrors errors;
  private final long counterMillis;
  private final long tableMillis;
  private final LateResets lateResets = new LateResets();
  private final ReentrantLock sampling = new ReentrantLock();
  private volatile State state = new State(null, null, 0);
  private volatile boolean stopped;
  private HostCollector collector;
  private long firstDelayMillis;
  private Thread thread;

  /** The latest samples, replaced as a whole. */
  public static final class State {
    public final HostSample counters;
    public final MatchResult match;
    public final long tableMillis;

    State(HostSample counters, MatchResult match, long tableMillis) {
      this.counters = counters;
      this.match = match;
      this.tableMillis = tableMillis;
    }
  }

  public HostMonitor(
      Supplier<HostCollector> collector,
      CloseRecorder recorder,
      AgentErrors errors,
      long counterMillis,
      long tableMillis) {
    this.collectorFactory = collector;
    this.recorder = recorder;
    this.errors = errors;
    this.counterMillis = counterMillis;
    this.tableMillis = tableMillis;
  }

  /** Starts sampling after {@code firstDelayMillis}, off the application's start-up. */
  public void start(long firstDelayMillis) {
    this.firstDelayMillis = firstDelayMillis;
    thread = new Thread(this, "timewait-host");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  public void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  public State state() {
    return state;
  }

  @Override
  public void run() {
    try {
      TimeUnit.MILLISECONDS.sleep(firstDelayMillis);
    } catch (InterruptedException e) {
      return;
    }
    long nextTable = 0;
    long earliestTable = 0;
    while (!stopped) {
      try {
        long now = System.currentTimeMillis();
        sampling.lockInterruptibly();
        try {
          boolean table = now >= nextTable;
          if (!table) {
            HostSample counters = collector().sampleCounters();
            State s = state;
            state = new State(counters, s.match, s.tableMillis);
            // the kernel reset closed sockets: read the table now, within the duty cycle
            table = now >= earliestTable && lateResets.due(counters.counters());
          }
          if (table) {
            long started = System.nanoTime();
            sampleTable(now);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            nextTable = now + Math.max(tableMillis, took * DUTY_CYCLE_FACTOR);
            earliestTable = now + took * EARLY_DUTY_CYCLE_FACTOR;
          }
        } finally {
          sampling.unlock();
        }
        long wait = Math.max(1, nextTable - System.currentTimeMillis());
        TimeUnit.MILLISECONDS.sleep(Math.min(counterMillis, wait));
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        errors.record("host sample", t);
        try {
          TimeUnit.MILLISECONDS.sleep(counterMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private HostCollector collector() {
    if (collector == null) {
      collector = collectorFactory.get();
    }
    return collector;
  }

  /**
   * Samples the table now, matches it with the recent active closes and counts those the kernel
   * reset after their FIN ({@link LateResets}); also used by tests. The caller holds {@link
   * #sampling}.
   */
  void sampleTable(long now) {
    long countedAt = System.currentTimeMillis();
    List<RecentClose> recent = recorder.recentCloses(countedAt);
    long started = System.nanoTime();
    MatchResult match =
        new TimeWaitMatcher(collector())
            .match(recent, recorder.recentOverflow(), Instant.ofEpochMilli(now));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    HostSample sample = match.sample();
    // the collector reads the counters before the table, after countedAt
    lateResets.judge(
        recorder,
        recent,
        sample.table(),
        sample.counters(),
        countedAt,
        sample.settings() == null ? null : sample.settings().tcpFinTimeoutSeconds());
    match = withoutWatchedPairs(match);
    state = new State(match.sample(), match, took);
  }

  /**
   * The JVM exits: counts the closes reset after their FIN since the last table sample, when the
   * kernel reset any, unless the host thread is in the middle of a sample, has taken none yet, no
   * close was active, or the table is too large to read without holding up the exit.
   */
  public void lookForLateResets() {
    try {
      if (!sampling.tryLock(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      if (collector == null || recorder.total(CloseKind.ACTIVE) == 0) {
        // no table sample yet (a JVM shorter than jmxDelay: reading the host now would hold up its
        // exit by some 0.1 s), or nothing to judge
        return;
      }
      TcpCounters counters = collector.sampleCounters().counters();
      if (lateResets.due(counters) && smallEnoughForExit(counters)) {
        sampleTable(System.currentTimeMillis());
      }
    } catch (RuntimeException e) {
      errors.record("host sample at exit", e);
    } finally {
      sampling.unlock();
    }
  }

  /** Whether {@code sockstat} counts few enough sockets that a table read does not hold up exit. */
  private static boolean smallEnoughForExit(TcpCounters counters) {
    Long timeWait = counters.sockstatTw();
    Long inUse = counters.sockstatInUse();
    return timeWait != null && inUse != null && timeWait + inUse <= EXIT_MAX_SOCKETS;
  }

  /**
   * The match without the matched 4-tuples, which it has already counted: kept until the next
   * sample, they would hold as many objects as the recent-close ring has entries.
   */
  static MatchResult withoutWatchedPairs(MatchResult m) {
    HostSample s = m.sample();
    ConnectionTable t = s == null ? null : s.table();
    if (t == null || (t.watchedInTimeWait().isEmpty() && t.watchedHeld().isEmpty())) {
      return m;
    }
    ConnectionTable lean =
        new ConnectionTable(
            t.states(),
            t.timeWait(),
            t.clientGroups(),
            t.serverGroups(),
            t.remaining(),
            t.malformedLines(),
            Set.of(),
            t.reuseAfterMillis(),
            Set.of(),
            t.complete());
    HostSample leanSample =
        new HostSample(
            s.takenAt(),
            s.collector(),
            s.hostRoot(),
            s.os(),
            s.settings(),
            s.sysctlFiles(),
            s.counters(),
            lean,
            s.nat(),
            s.unavailable());
    return new MatchResult(
        m.recentCloses(),
        m.unreadableCloses(),
        m.droppedCloses(),
        m.confirmed(),
        m.hostTimeWait(),
        m.sites(),
        m.snapshotAge(),
        leanSample);
  }

  /** The snapshot's {@code host} section from the latest samples. */
  HostSection section() {
    State s = state;
    HostSample sample = s.counters;
    if (sample == null) {
      return new HostSection(null, null, null, null, null, List.of(), null, List.of());
    }
    MatchResult match = s.match;
    ConnectionTable table = match == null ? null : match.sample().table();
    List<HostDestination> destinations = new ArrayList<>();
    HostMatch owned = null;
    if (table != null) {
      for (ClientTimeWaitGroup g : top(table.clientGroups())) {
        destinations.add(
            new HostDestination(
                g.localIp(), remote(g), g.timeWait(), g.usablePorts(), g.shareOfUsablePorts()));
      }
      List<HostMatch.OwnedSite> sites = new ArrayList<>();
      for (SiteOwnership o : top(match.sites())) {
        sites.add(new HostMatch.OwnedSite(o.site(), o.openSite(), o.role(), o.timeWait()));
      }
      owned =
          new HostMatch(
              match.recentCloses(),
              match.confirmed(),
              match.hostTimeWait(),
              match.confirmedShare(),
              match.ownedShareOfHost(),
              sites);
    }
    return new HostSection(
        sample.takenAt(),
        sample.collector(),
        sample.os().kernelRelease(),
        sample.timeWaitNow(),
        table == null ? null : table.count(TcpState.CLOSE_WAIT),
        destinations,
        owned,
        sample.unavailable());
  }

  /** The first {@link #MAX_ROWS} of a list the collector sorted largest first. */
  public static <T> List<T> top(List<T> rows) {
    return rows.size() <= MAX_ROWS ? rows : rows.subList(0, MAX_ROWS);
  }

  public static String destination(ClientTimeWaitGroup g) {
    return g.localIp() + " -> " + remote(g);
  }

  static String remote(ClientTimeWaitGroup g) {
    return IpAddresses.withPort(g.remoteIp(), g.remotePort());
  }

  public static String listeningPort(ServerTimeWaitGroup g) {
    return Integer.toString(g.localPort());
  }
}
