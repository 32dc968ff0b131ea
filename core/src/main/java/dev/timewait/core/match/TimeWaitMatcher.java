package dev.timewait.core.match;

import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matches a JVM's recent active closes with the kernel's TIME_WAIT sockets: "site X owns 12,400 of
 * the host's 13,000 TIME_WAIT sockets". Holds no state beyond its collector; thread-safe if the
 * collector is; never throws on odd input.
 */
public final class TimeWaitMatcher {

  private final HostCollector collector;

  /** A matcher that samples the host through {@code collector}. */
  public TimeWaitMatcher(HostCollector collector) {
    this.collector = Objects.requireNonNull(collector, "collector");
  }

  /** Samples the connection table now and matches the snapshot's recent active closes with it. */
  public MatchResult match(Snapshot snapshot) {
    if (snapshot == null) {
      return match(List.of(), 0, null);
    }
    return match(
        snapshot.recentActiveCloses(),
        snapshot.overflow().recentActiveCloses(),
        snapshot.takenAt());
  }

  /**
   * Samples the connection table now and matches {@code recentCloses} with it: the entry point for
   * the agent, which has the closes in memory.
   *
   * @param droppedCloses closes the caller left out of {@code recentCloses}
   * @param takenAt when the closes were collected, or null
   */
  public MatchResult match(List<RecentClose> recentCloses, long droppedCloses, Instant takenAt) {
    Map<SocketPair, RecentClose> byPair = new HashMap<>();
    long unreadable = index(recentCloses, byPair);
    HostSample sample = collector.sampleTable(byPair.keySet());
    return result(byPair, unreadable, droppedCloses, takenAt, sample);
  }

  /**
   * Matches {@code recentCloses} with an existing sample, whose table must have been taken watching
   * their 4-tuples ({@link HostCollector#sampleTable(java.util.Set)}).
   */
  public static MatchResult match(
      List<RecentClose> recentCloses, long droppedCloses, Instant takenAt, HostSample sample) {
    Map<SocketPair, RecentClose> byPair = new HashMap<>();
    long unreadable = index(recentCloses, byPair);
    return result(byPair, unreadable, droppedCloses, takenAt, sample);
  }

  /**
   * The latest close of each readable 4-tuple among {@code closes}: what a TIME_WAIT socket of that
   * 4-tuple is matched with.
   */
  public static Map<SocketPair, RecentClose> latestByPair(List<RecentClose> closes) {
    Map<SocketPair, RecentClose> byPair = new HashMap<>();
    index(closes, byPair);
    return byPair;
  }

  /** Keeps the latest close of each 4-tuple; returns how many closes had no readable 4-tuple. */
  private static long index(List<RecentClose> closes, Map<SocketPair, RecentClose> byPair) {
    long unreadable = 0;
    if (closes == null) {
      return 0;
    }
    for (RecentClose close : closes) {
      SocketPair pair = close == null ? null : close.pair();
      if (pair == null) {
        unreadable++;
        continue;
      }
      byPair.merge(pair, close, TimeWaitMatcher::later);
    }
    return unreadable;
  }

  private static RecentClose later(RecentClose a, RecentClose b) {
    if (a.at() == null) {
      return b;
    }
    return b.at() != null && b.at().isAfter(a.at()) ? b : a;
  }

  private record OwnerKey(String site, String openSite, Role role) {}

  private static MatchResult result(
      Map<SocketPair, RecentClose> byPair,
      long unreadable,
      long dropped,
      Instant takenAt,
      HostSample sample) {
    long hostTimeWait = sample.table() == null ? 0 : sample.table().timeWait();
    Map<OwnerKey, long[]> perSite = new LinkedHashMap<>();
    long confirmed = 0;
    for (Map.Entry<SocketPair, RecentClose> entry : byPair.entrySet()) {
      RecentClose close = entry.getValue();
      OwnerKey key =
          new OwnerKey(
              close.site(), close.openSite(), close.role() == null ? Role.UNKNOWN : close.role());
      long[] counts = perSite.computeIfAbsent(key, k -> new long[2]);
      counts[0]++;
      if (sample.table() != null && sample.table().watchedInTimeWait().contains(entry.getKey())) {
        counts[1]++;
        confirmed++;
      }
    }
    List<SiteOwnership> sites = new ArrayList<>();
    perSite.forEach(
        (key, counts) ->
            sites.add(
                new SiteOwnership(
                    key.site(),
                    key.openSite(),
                    key.role(),
                    counts[0],
                    counts[1],
                    hostTimeWait == 0 ? null : (double) counts[1] / hostTimeWait)));
    sites.sort(
        Comparator.comparingLong(SiteOwnership::timeWait)
            .reversed()
            .thenComparing(Comparator.comparingLong(SiteOwnership::recentCloses).reversed())
            .thenComparing(s -> String.valueOf(s.site())));
    Duration age =
        takenAt == null || sample.takenAt() == null
            ? null
            : Duration.between(takenAt, sample.takenAt());
    return new MatchResult(
        byPair.size(), unreadable, dropped, confirmed, hostTimeWait, sites, age, sample);
  }
}
