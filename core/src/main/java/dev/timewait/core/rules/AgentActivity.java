package dev.timewait.core.rules;

import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Rates derived from agent snapshots. A site's rate comes, in order of preference, from the change
 * between two snapshots of the same JVM, from the active closes of the last 60 s, or from the
 * average since recording started.
 */
public final class AgentActivity {

  /** TIME_WAIT lasts this long on Linux (TCP_TIMEWAIT_LEN). */
  static final Duration TIME_WAIT_LENGTH = Duration.ofSeconds(60);

  private AgentActivity() {}

  /** A short name for the JVM that wrote {@code snapshot}. */
  public static String jvmLabel(Snapshot snapshot) {
    if (snapshot.jvm() == null) {
      return "unknown JVM";
    }
    String host = snapshot.jvm().hostName() == null ? "" : snapshot.jvm().hostName();
    String main = snapshot.jvm().mainClass() == null ? "" : " (" + snapshot.jvm().mainClass() + ")";
    if (snapshot.jvm().pid() <= 0 && !host.isEmpty()) {
      return host + main; // a JVM known by its scrape address, not by a process id
    }
    return (host.isEmpty() ? "" : host + " ") + "pid " + snapshot.jvm().pid() + main;
  }

  /** The active-close rate of every site of every snapshot, busiest first. */
  public static List<SiteRate> siteRates(AnalysisInput input) {
    List<SiteRate> rates = new ArrayList<>();
    for (Snapshot snapshot : input.snapshots()) {
      Snapshot start = startOf(snapshot, input.snapshotsAtStart());
      long recentTotal = recentCount(snapshot, null);
      boolean recentKnown = !snapshot.recentActiveCloses().isEmpty();
      for (SiteStats site : snapshot.sites()) {
        rates.add(rate(snapshot, start, site, recentTotal, recentKnown));
      }
    }
    rates.sort(Comparator.comparingDouble(SiteRate::activePerMinute).reversed());
    return rates;
  }

  private static SiteRate rate(
      Snapshot snapshot, Snapshot start, SiteStats site, long recentTotal, boolean recentKnown) {
    String jvm = jvmLabel(snapshot);
    if (start != null && start.takenAt() != null && snapshot.takenAt() != null) {
      double seconds = Duration.between(start.takenAt(), snapshot.takenAt()).toMillis() / 1000.0;
      if (seconds > 0) {
        long before = 0;
        for (SiteStats old : start.sites()) {
          if (sameSite(old, site)) {
            before = old.active();
          }
        }
        double perMinute = Math.max(0, site.active() - before) * 60.0 / seconds;
        return new SiteRate(
            jvm,
            site,
            perMinute,
            String.format(
                "agent: %d active closes in the %.0f s window", site.active() - before, seconds));
      }
    }
    if (recentKnown) {
      long count = recentCount(snapshot, site);
      long overflow = snapshot.overflow().recentActiveCloses();
      double scaled =
          recentTotal == 0 ? 0 : count * (double) (recentTotal + overflow) / recentTotal;
      String basis =
          overflow == 0
              ? "agent: " + count + " active closes in the 60 s before " + snapshot.takenAt()
              : String.format(
                  "agent: %d of %d recorded active closes in the 60 s before %s (%d more not"
                      + " recorded, shared out in proportion)",
                  count, recentTotal, snapshot.takenAt(), overflow);
      return new SiteRate(jvm, site, scaled, basis);
    }
    double minutes = uptimeMinutes(snapshot);
    double perMinute = minutes > 0 ? site.active() / minutes : 0;
    return new SiteRate(
        jvm,
        site,
        perMinute,
        String.format(
            "agent: %d active closes since %s (%.1f min)",
            site.active(), snapshot.startedAt(), minutes));
  }

  private static double uptimeMinutes(Snapshot snapshot) {
    if (snapshot.startedAt() == null || snapshot.takenAt() == null) {
      return 0;
    }
    return Duration.between(snapshot.startedAt(), snapshot.takenAt()).toMillis() / 60_000.0;
  }

  private static boolean sameSite(SiteStats a, SiteStats b) {
    return Objects.equals(a.site(), b.site())
        && Objects.equals(a.openSite(), b.openSite())
        && a.role() == b.role();
  }

  /** Recent active closes within TIME_WAIT_LENGTH of the snapshot, of one site or of all (null). */
  private static long recentCount(Snapshot snapshot, SiteStats site) {
    long count = 0;
    for (RecentClose close : snapshot.recentActiveCloses()) {
      if (isRecent(snapshot, close)
          && (site == null
              || (Objects.equals(close.site(), site.site())
                  && Objects.equals(close.openSite(), site.openSite())
                  && close.role() == site.role()))) {
        count++;
      }
    }
    return count;
  }

  private static boolean isRecent(Snapshot snapshot, RecentClose close) {
    if (snapshot.takenAt() == null || close.at() == null) {
      return true;
    }
    Instant from = snapshot.takenAt().minus(TIME_WAIT_LENGTH);
    return !close.at().isBefore(from);
  }

  private static Snapshot startOf(Snapshot end, List<Snapshot> starts) {
    for (Snapshot start : starts) {
      if (end.jvm() != null
          && start.jvm() != null
          && end.jvm().pid() == start.jvm().pid()
          && Objects.equals(end.jvm().hostName(), start.jvm().hostName())
          && Objects.equals(end.startedAt(), start.startedAt())
          && start != end) {
        return start;
      }
    }
    return null;
  }

  /**
   * A client destination as the agent's recent active closes show it.
   *
   * @param localIp local address
   * @param remote remote endpoint
   * @param lastMinute active closes to it in the 60 s before the snapshot, scaled up for closes the
   *     agent could not record (each still holds its tuple in TIME_WAIT)
   * @param withinReuseDelay those of the last {@code reuseAfterMillis}, scaled alike
   * @param spanSeconds the seconds they were counted over (less than 60 for a JVM that started
   *     lately)
   */
  record RecentDestination(
      String localIp,
      Endpoint remote,
      long lastMinute,
      long withinReuseDelay,
      double spanSeconds) {}

  /**
   * Client destinations estimated from the agent's recent active closes: every active close of the
   * last 60 s still holds its 4-tuple in TIME_WAIT.
   */
  static List<RecentDestination> recentDestinations(AnalysisInput input, long reuseAfterMillis) {
    Map<String, RecentDestination> result = new LinkedHashMap<>();
    for (Snapshot snapshot : input.snapshots()) {
      long total = recentCount(snapshot, null);
      double scale =
          total == 0 ? 1 : (total + snapshot.overflow().recentActiveCloses()) / (double) total;
      Map<String, long[]> counts = new LinkedHashMap<>();
      Map<String, Endpoint[]> keys = new LinkedHashMap<>();
      for (RecentClose close : snapshot.recentActiveCloses()) {
        if (close.role() != Role.CLIENT || !isRecent(snapshot, close)) {
          continue;
        }
        Endpoint local = Endpoint.parse(close.local());
        Endpoint remote = Endpoint.parse(close.remote());
        if (local == null || remote == null) {
          continue;
        }
        String key = local.ip() + " " + remote;
        keys.putIfAbsent(key, new Endpoint[] {local, remote});
        long[] value = counts.computeIfAbsent(key, k -> new long[2]);
        value[0]++;
        if (snapshot.takenAt() == null
            || close.at() == null
            || !close.at().isBefore(snapshot.takenAt().minusMillis(reuseAfterMillis))) {
          value[1]++;
        }
      }
      double span = TIME_WAIT_LENGTH.toSeconds();
      if (snapshot.startedAt() != null && snapshot.takenAt() != null) {
        double up = Duration.between(snapshot.startedAt(), snapshot.takenAt()).toMillis() / 1000.0;
        span = Math.max(1, Math.min(span, up));
      }
      for (Map.Entry<String, long[]> entry : counts.entrySet()) {
        Endpoint[] pair = keys.get(entry.getKey());
        RecentDestination mine =
            new RecentDestination(
                pair[0].ip(),
                pair[1],
                Math.round(entry.getValue()[0] * scale),
                Math.round(entry.getValue()[1] * scale),
                span);
        result.merge(
            entry.getKey(),
            mine,
            (a, b) ->
                new RecentDestination(
                    a.localIp(),
                    a.remote(),
                    a.lastMinute() + b.lastMinute(),
                    a.withinReuseDelay() + b.withinReuseDelay(),
                    Math.min(a.spanSeconds(), b.spanSeconds())));
      }
    }
    return new ArrayList<>(result.values());
  }

  /**
   * A connection rate to one remote endpoint.
   *
   * @param perSecond new connections per second
   * @param basis how it was measured, for the evidence
   */
  record Rate(double perSecond, String basis) {}

  /**
   * Active client closes per second to each remote endpoint over the window between two snapshots
   * of the same JVM, summed over JVMs; empty without a window.
   */
  static Map<Endpoint, Rate> endpointRates(AnalysisInput input) {
    Map<Endpoint, double[]> sums = new LinkedHashMap<>();
    for (Snapshot snapshot : input.snapshots()) {
      Snapshot start = startOf(snapshot, input.snapshotsAtStart());
      if (start == null || start.takenAt() == null || snapshot.takenAt() == null) {
        continue;
      }
      double seconds = Duration.between(start.takenAt(), snapshot.takenAt()).toMillis() / 1000.0;
      if (seconds <= 0) {
        continue;
      }
      Map<Endpoint, Long> before = clientEndpointCloses(start);
      for (Map.Entry<Endpoint, Long> now : clientEndpointCloses(snapshot).entrySet()) {
        long delta = Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
        double[] sum = sums.computeIfAbsent(now.getKey(), k -> new double[2]);
        sum[0] += delta / seconds;
        sum[1] = Math.max(sum[1], seconds);
      }
    }
    Map<Endpoint, Rate> rates = new LinkedHashMap<>();
    for (Map.Entry<Endpoint, double[]> entry : sums.entrySet()) {
      rates.put(
          entry.getKey(),
          new Rate(
              entry.getValue()[0],
              String.format(
                  "agent: %.1f active closes/s in the %.0f s window",
                  entry.getValue()[0], entry.getValue()[1])));
    }
    return rates;
  }

  private static Map<Endpoint, Long> clientEndpointCloses(Snapshot snapshot) {
    Map<Endpoint, Long> closes = new LinkedHashMap<>();
    for (SiteStats site : snapshot.sites()) {
      if (site.role() != Role.CLIENT) {
        continue;
      }
      for (SiteEndpoint endpoint : site.endpoints()) {
        Endpoint parsed = Endpoint.parse(endpoint.remote());
        if (parsed != null) {
          closes.merge(parsed, endpoint.active(), Long::sum);
        }
      }
    }
    return closes;
  }

  /** Client sites that actively closed connections to {@code remote}, busiest first. */
  static List<String> clientSitesFor(AnalysisInput input, Endpoint remote) {
    Map<String, Long> bySite = new LinkedHashMap<>();
    for (Snapshot snapshot : input.snapshots()) {
      for (SiteStats site : snapshot.sites()) {
        if (site.role() != Role.CLIENT) {
          continue;
        }
        for (SiteEndpoint endpoint : site.endpoints()) {
          Endpoint parsed = Endpoint.parse(endpoint.remote());
          if (parsed != null && parsed.equals(remote) && endpoint.active() > 0) {
            bySite.merge(site.site(), endpoint.active(), Long::sum);
          }
        }
      }
    }
    List<String> sites = new ArrayList<>(bySite.keySet());
    sites.sort(Comparator.comparing((String s) -> bySite.get(s)).reversed());
    return sites;
  }
}
