package dev.timewait.agent.internal;

import dev.timewait.analyzer.host.ClientTimeWaitGroup;
import dev.timewait.analyzer.host.HostCollector;
import dev.timewait.analyzer.host.HostRoot;
import dev.timewait.analyzer.host.HostSample;
import dev.timewait.analyzer.host.LinuxProcCollector;
import dev.timewait.analyzer.host.OshiHostCollector;
import dev.timewait.analyzer.host.ServerTimeWaitGroup;
import dev.timewait.analyzer.host.TcpState;
import dev.timewait.analyzer.match.MatchResult;
import dev.timewait.analyzer.match.SiteOwnership;
import dev.timewait.analyzer.match.TimeWaitMatcher;
import dev.timewait.analyzer.snapshot.RecentClose;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples the host on a thread of its own: the kernel counters every {@code hostInterval}, the
 * whole connection table every {@code tableInterval}, matched with this JVM's recent active closes.
 * A slow or failing {@code /proc} never touches the application's threads or the snapshot thread.
 */
final class HostMonitor implements Runnable {
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
  static final class State {
    final HostSample counters;
    final MatchResult match;
    final long tableMillis;

    State(HostSample counters, MatchResult match, long tableMillis) {
      this.counters = counters;
      this.match = match;
      this.tableMillis = tableMillis;
    }
  }

  HostMonitor(
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

  /** {@code /proc} under {@code root} on Linux, OSHI elsewhere. */
  static HostCollector collectorFor(Path root) {
    return System.getProperty("os.name", "").startsWith("Linux")
        ? new LinuxProcCollector(HostRoot.of(root))
        : new OshiHostCollector(HostRoot.of(root));
  }

  /** Starts sampling after {@code firstDelayMillis}, off the application's start-up. */
  void start(long firstDelayMillis) {
    this.firstDelayMillis = firstDelayMillis;
    thread = new Thread(this, "timewait-host");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
  }

  void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  State state() {
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
    List<RecentClose> recent = new ArrayList<>();
    for (RecentActiveCloses.Entry e : recorder.recentActiveCloses(now)) {
      recent.add(
          new RecentClose(
              Snapshot.endpoint(e.local, e.localPort),
              Snapshot.endpoint(e.remote, e.remotePort),
              Instant.ofEpochMilli(e.at),
              e.site.closeSite.frame,
              e.site.openSite.frame,
              dev.timewait.analyzer.snapshot.Role.valueOf(e.site.role.name())));
    }
    long started = System.nanoTime();
    MatchResult match =
        new TimeWaitMatcher(collector)
            .match(recent, recorder.recentOverflow(), Instant.ofEpochMilli(now));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    state = new State(match.sample(), match, took);
  }

  /** The {@code "host"} section of the snapshot. */
  void writeJson(JsonWriter json) {
    State s = state;
    HostSample sample = s.counters;
    json.name("host").beginObject();
    if (sample == null) {
      json.endObject();
      return;
    }
    json.field("takenAt", sample.takenAt().toString())
        .field("collector", sample.collector())
        .field("kernel", sample.os().kernelRelease());
    Long timeWait = sample.timeWaitNow();
    json.field("timeWait", timeWait == null ? -1 : timeWait);
    MatchResult match = s.match;
    if (match != null && match.sample().table() != null) {
      json.field("closeWait", match.sample().table().count(TcpState.CLOSE_WAIT));
      json.name("destinations").beginArray();
      for (ClientTimeWaitGroup g : top(match.sample().table().clientGroups())) {
        json.beginObject()
            .field("local", g.localIp())
            .field("remote", remote(g))
            .field("timeWait", g.timeWait())
            .field("usable", g.usablePorts() == null ? -1 : g.usablePorts());
        json.name("utilization").number(g.shareOfUsablePorts()).endObject();
      }
      json.endArray();
      json.name("match")
          .beginObject()
          .field("recentCloses", match.recentCloses())
          .field("confirmed", match.confirmed())
          .field("hostTimeWait", match.hostTimeWait())
          .name("confirmedShare")
          .number(match.confirmedShare())
          .name("ownedShareOfHost")
          .number(match.ownedShareOfHost())
          .name("sites")
          .beginArray();
      for (SiteOwnership o : top(match.sites())) {
        json.beginObject()
            .field("site", o.site())
            .field("openSite", o.openSite())
            .field("role", o.role() == null ? null : o.role().name())
            .field("timeWait", o.timeWait())
            .endObject();
      }
      json.endArray().endObject();
    }
    json.name("unavailable").beginArray();
    for (String line : sample.unavailable()) {
      json.value(line);
    }
    json.endArray().endObject();
  }

  /** The first {@link #MAX_ROWS} of a list the collector sorted largest first. */
  static <T> List<T> top(List<T> rows) {
    return rows.size() <= MAX_ROWS ? rows : rows.subList(0, MAX_ROWS);
  }

  static String destination(ClientTimeWaitGroup g) {
    return g.localIp() + " -> " + remote(g);
  }

  /** {@code ip:port}, an IPv6 address in brackets, as everywhere in the snapshot. */
  static String remote(ClientTimeWaitGroup g) {
    String ip = g.remoteIp().indexOf(':') >= 0 ? "[" + g.remoteIp() + "]" : g.remoteIp();
    return ip + ":" + g.remotePort();
  }

  static String listeningPort(ServerTimeWaitGroup g) {
    return Integer.toString(g.localPort());
  }
}
