package dev.timewait.analyzer.top;

import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.match.TimeWaitMatcher;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Destinations;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.SnapshotMatch;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes one {@link TopFrame} per refresh: the agents' snapshots, the host's connection table
 * watched for their recent closes, the rules on both. Rates are per refresh; the rules see the last
 * minute, as the agent's Findings MBean does.
 */
public final class TopSampler {

  private static final Duration RULE_WINDOW = Duration.ofSeconds(60);
  private static final Duration KEEP_EVERY = Duration.ofSeconds(5);
  private static final int HISTORY = 60;

  private final HostCollector collector;
  private final AgentSource source;
  private final Thresholds thresholds;
  private final Map<Long, Snapshot> previous = new HashMap<>();
  private final ArrayDeque<Earlier> earlier = new ArrayDeque<>();
  private final ArrayDeque<Long> timeWaitHistory = new ArrayDeque<>();
  private Map<String, Finding> holding = Map.of();
  private HostSample lastHost;

  /** What the rules compare with: a sample and snapshots of up to a minute ago, without tables. */
  private record Earlier(Instant at, HostSample host, List<Snapshot> snapshots) {}

  /** {@code collector} is null when no host is sampled. */
  public TopSampler(HostCollector collector, AgentSource source, Thresholds thresholds) {
    this.collector = collector;
    this.source = source;
    this.thresholds = thresholds;
  }

  /** Reads everything once more. */
  public TopFrame sample() {
    List<String> problems = new ArrayList<>();
    List<Snapshot> snapshots = source.read(problems);
    Set<SocketPair> watched = new HashSet<>();
    for (Snapshot snapshot : snapshots) {
      for (RecentClose close : snapshot.recentActiveCloses()) {
        if (close.pair() != null) {
          watched.add(close.pair());
        }
      }
    }
    HostSample host = collector == null ? null : collector.sampleTable(watched);
    Instant now = host != null ? host.takenAt() : Instant.now();
    List<SnapshotMatch> matches = new ArrayList<>();
    List<SiteRow> sites = new ArrayList<>();
    for (Snapshot snapshot : snapshots) {
      MatchResult match = null;
      if (host != null && host.table() != null) {
        match =
            TimeWaitMatcher.match(
                snapshot.recentActiveCloses(),
                snapshot.overflow().recentActiveCloses(),
                snapshot.takenAt(),
                host);
        matches.add(new SnapshotMatch(snapshot, match));
      }
      sites.addAll(rows(snapshot, previous.get(pid(snapshot)), match));
    }
    Earlier start = ruleStart(now);
    AnalysisInput input =
        new AnalysisInput(
            start == null ? host : start.host(),
            host,
            List.of(),
            snapshots,
            start == null ? List.of() : start.snapshots(),
            thresholds,
            matches);
    List<Finding> findings = new ArrayList<>();
    Map<String, Finding> holdingNow = new LinkedHashMap<>();
    for (Finding finding : Analyzer.standard().analyze(input)) {
      if (!finding.id().equals(Analyzer.HEALTHY)) {
        findings.add(finding);
        holdingNow.put(finding.id() + "/" + finding.severity().label(), finding);
      }
    }
    List<TopFrame.FindingEvent> events = new ArrayList<>();
    for (Map.Entry<String, Finding> e : holdingNow.entrySet()) {
      if (!holding.containsKey(e.getKey())) {
        events.add(new TopFrame.FindingEvent(now, true, e.getValue()));
      }
    }
    for (Map.Entry<String, Finding> e : holding.entrySet()) {
      if (!holdingNow.containsKey(e.getKey())) {
        events.add(new TopFrame.FindingEvent(now, false, e.getValue()));
      }
    }
    holding = holdingNow;

    Long timeWait = host == null ? null : host.timeWaitNow();
    Long closeWait =
        host == null || host.table() == null ? null : host.table().count(TcpState.CLOSE_WAIT);
    Double perSecond = null;
    Long lastTimeWait = lastHost == null ? null : lastHost.timeWaitNow();
    if (timeWait != null && lastTimeWait != null) {
      double seconds = Duration.between(lastHost.takenAt(), now).toMillis() / 1000.0;
      perSecond = seconds <= 0 ? null : (timeWait - lastTimeWait) / seconds;
    }
    if (timeWait != null) {
      timeWaitHistory.addLast(timeWait);
      while (timeWaitHistory.size() > HISTORY) {
        timeWaitHistory.removeFirst();
      }
    }
    remember(now, host, snapshots);
    return new TopFrame(
        now,
        timeWait,
        closeWait,
        perSecond,
        new ArrayList<>(timeWaitHistory),
        snapshots.size(),
        sites,
        host == null ? List.of() : Destinations.of(input),
        findings,
        events,
        problems);
  }

  private static long pid(Snapshot snapshot) {
    return snapshot.jvm() == null ? -1 : snapshot.jvm().pid();
  }

  private static List<SiteRow> rows(Snapshot snapshot, Snapshot before, MatchResult match) {
    Map<String, SiteOwnership> owned = new HashMap<>();
    if (match != null) {
      for (SiteOwnership o : match.sites()) {
        owned.put(o.site() + "\u0000" + o.openSite() + "\u0000" + o.role(), o);
      }
    }
    Map<String, SiteStats> beforeRows = new HashMap<>();
    double seconds = 0;
    if (before != null && before.takenAt() != null && snapshot.takenAt() != null) {
      seconds = Duration.between(before.takenAt(), snapshot.takenAt()).toMillis() / 1000.0;
      for (SiteStats s : before.sites()) {
        beforeRows.put(s.site() + "\u0000" + s.openSite() + "\u0000" + s.role(), s);
      }
    } else if (snapshot.startedAt() != null && snapshot.takenAt() != null) {
      seconds = Duration.between(snapshot.startedAt(), snapshot.takenAt()).toMillis() / 1000.0;
    }
    List<SiteRow> rows = new ArrayList<>();
    for (SiteStats s : snapshot.sites()) {
      String key = s.site() + "\u0000" + s.openSite() + "\u0000" + s.role();
      SiteStats old = beforeRows.get(key);
      long delta = s.active() - (old == null ? 0 : old.active());
      double rate = seconds > 0 ? Math.max(0, delta) / seconds : 0;
      SiteOwnership o = owned.get(key);
      rows.add(
          new SiteRow(
              pid(snapshot),
              s.site(),
              s.openSite(),
              String.valueOf(s.role()),
              rate,
              s.active(),
              s.passive(),
              s.abortive(),
              o == null ? 0 : o.timeWait(),
              o == null ? null : o.shareOfHostTimeWait(),
              s.stack(),
              s.openStack()));
    }
    return rows;
  }

  /** The kept state closest to a minute ago, or null on the first refreshes. */
  private Earlier ruleStart(Instant now) {
    Instant windowStart = now.minus(RULE_WINDOW);
    while (earlier.size() > 1 && !second(earlier).at().isAfter(windowStart)) {
      earlier.removeFirst();
    }
    return earlier.peekFirst();
  }

  private static Earlier second(ArrayDeque<Earlier> deque) {
    java.util.Iterator<Earlier> it = deque.iterator();
    it.next();
    return it.next();
  }

  private void remember(Instant now, HostSample host, List<Snapshot> snapshots) {
    for (Snapshot snapshot : snapshots) {
      previous.put(pid(snapshot), snapshot);
    }
    lastHost = host;
    Earlier last = earlier.peekLast();
    if (last == null || !now.isBefore(last.at().plus(KEEP_EVERY))) {
      List<Snapshot> light = new ArrayList<>();
      for (Snapshot s : snapshots) {
        light.add(withoutRecentCloses(s));
      }
      earlier.addLast(new Earlier(now, withoutTable(host), light));
    }
  }

  private static HostSample withoutTable(HostSample s) {
    if (s == null) {
      return null;
    }
    return new HostSample(
        s.takenAt(),
        s.collector(),
        s.hostRoot(),
        s.os(),
        s.settings(),
        s.sysctlFiles(),
        s.counters(),
        null,
        s.nat(),
        s.unavailable());
  }

  private static Snapshot withoutRecentCloses(Snapshot s) {
    return new Snapshot(
        s.schema(),
        s.takenAt(),
        s.agentVersion(),
        s.jvm(),
        s.startedAt(),
        s.totals(),
        s.sites(),
        s.endpoints(),
        s.overflow(),
        s.closeWait(),
        List.of(),
        s.internalCloses(),
        s.host());
  }
}
