package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.match.TimeWaitMatcher;
import dev.timewait.core.snapshot.HostDestination;
import dev.timewait.core.snapshot.HostMatch;
import dev.timewait.core.snapshot.HostSection;
import dev.timewait.core.snapshot.RecentClose;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples the host on a thread of its own: the kernel counters every {@code hostInterval}, the
 * whole connection table every {@code tableInterval}, matched with this JVM's recent active closes.
 * A slow or failing {@code /proc} never touches the application's threads or the snapshot thread.
 */
public final class HostMonitor implements Runnable {
  /** Destinations, ports and sites shown: the largest, so that MBeans and labels stay bounded. */
  static final int MAX_ROWS = 50;

  private final HostCollector collector;
  private final CloseRecorder recorder;
  private final AgentErrors errors;
  private final long counterMillis;
  private final long tableMillis;
  private volatile State state = new State(null, null, 0);
  private volatile boolean stopped;
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
      HostCollector collector,
      CloseRecorder recorder,
      AgentErrors errors,
      long counterMillis,
      long tableMillis) {
    this.collector = collector;
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
    while (!stopped) {
      try {
        long now = System.currentTimeMillis();
        if (now >= nextTable) {
          sampleTable(now);
          nextTable = now + tableMillis;
        } else {
          State s = state;
          state = new State(collector.sampleCounters(), s.match, s.tableMillis);
        }
        TimeUnit.MILLISECONDS.sleep(Math.min(counterMillis, Math.max(1, nextTable - now)));
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

  /** Samples the table now and matches it with the recent active closes (also used by tests). */
  void sampleTable(long now) {
    List<RecentClose> recent = recorder.recentCloses(now);
    long started = System.nanoTime();
    MatchResult match =
        new TimeWaitMatcher(collector)
            .match(recent, recorder.recentOverflow(), Instant.ofEpochMilli(now));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    state = new State(match.sample(), match, took);
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
