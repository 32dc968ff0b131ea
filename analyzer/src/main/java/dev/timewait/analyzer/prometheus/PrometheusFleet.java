package dev.timewait.analyzer.prometheus;

import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Severity;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.CloseTotals;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.EndpointStats;
import dev.timewait.core.snapshot.JvmInfo;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Every JVM whose agent Prometheus scrapes (one per {@code job} and {@code instance}), as agent
 * snapshots at the end and at the start of a window, and the findings the agents raised themselves.
 *
 * @param now one snapshot per JVM at the end of the window
 * @param atStart the same JVMs at the start of the window, for rates
 * @param agentFindings the agents' own findings, one per id, naming the JVMs
 */
public record PrometheusFleet(
    List<Snapshot> now, List<Snapshot> atStart, List<Finding> agentFindings) {

  /**
   * The fleet analysis's findings plus the agents' own findings of ids it did not raise, most
   * severe first; HEALTHY goes when an agent raised a warning or worse.
   */
  public List<Finding> withAgentFindings(List<Finding> findings) {
    List<Finding> out = new ArrayList<>(findings);
    boolean attention = false;
    for (Finding agent : agentFindings) {
      boolean known = false;
      for (Finding f : findings) {
        known |= f.id().equals(agent.id());
      }
      if (!known) {
        out.add(agent);
        attention |= agent.severity().atLeast(Severity.WARNING);
      }
    }
    if (attention) {
      out.removeIf(f -> f.id().equals(Analyzer.HEALTHY));
    }
    out.sort(Comparator.comparing(Finding::severity));
    return out;
  }

  /** Reads the fleet at {@code end}, with rates over {@code window}. */
  public static PrometheusFleet read(PrometheusQuery prometheus, Instant end, Duration window)
      throws PrometheusException {
    Map<String, JvmSeries> jvms = new TreeMap<>();
    collect(prometheus, end, jvms, true, name -> name);
    Map<String, JvmSeries> before = new TreeMap<>();
    collect(prometheus, end, before, false, name -> atStart(name, window));
    List<Snapshot> now = new ArrayList<>();
    List<Snapshot> atStart = new ArrayList<>();
    for (Map.Entry<String, JvmSeries> e : jvms.entrySet()) {
      now.add(e.getValue().snapshot(e.getKey(), end));
      JvmSeries old = before.get(e.getKey());
      if (old != null) {
        atStart.add(old.snapshot(e.getKey(), end.minus(window)));
      }
    }
    return new PrometheusFleet(now, atStart, agentFindings(prometheus, end));
  }

  /**
   * A counter at the start of the window: the value now less Prometheus' increase over the window
   * (right across counter resets), for series that existed then; 0 for series born during the
   * window in a JVM that was already scraped (Prometheus' increase misses a counter's first value);
   * nothing for JVMs first scraped during the window.
   */
  static String atStart(String name, Duration window) {
    String w = Math.max(1, window.toSeconds()) + "s";
    return "clamp_min("
        + name
        + " - increase("
        + name
        + "["
        + w
        + "]), 0) and "
        + name
        + " offset "
        + w
        + " or "
        + name
        + " * 0 and on (job, instance) (timewait_closes_total offset "
        + w
        + ")";
  }

  private static void collect(
      PrometheusQuery prometheus,
      Instant at,
      Map<String, JvmSeries> jvms,
      boolean withCloseWait,
      UnaryOperator<String> counter)
      throws PrometheusException {
    for (PrometheusQuery.Series s :
        prometheus.vector(counter.apply("timewait_site_closes_total"), at)) {
      jvm(jvms, s).site(s);
    }
    for (PrometheusQuery.Series s : prometheus.vector(counter.apply("timewait_closes_total"), at)) {
      jvm(jvms, s).total(s);
    }
    for (PrometheusQuery.Series s :
        prometheus.vector(counter.apply("timewait_endpoint_active_closes_total"), at)) {
      jvm(jvms, s).endpoints.merge(s.labels().getOrDefault("remote", "?"), s.value(), Double::sum);
    }
    if (withCloseWait) {
      for (PrometheusQuery.Series s :
          prometheus.vector("timewait_site_close_wait_connections", at)) {
        jvm(jvms, s)
            .closeWait
            .merge(s.labels().getOrDefault("open_site", "?"), s.value(), Double::sum);
      }
    }
  }

  private static JvmSeries jvm(Map<String, JvmSeries> jvms, PrometheusQuery.Series s) {
    return jvms.computeIfAbsent(name(s.labels()), k -> new JvmSeries());
  }

  /** {@code instance (job)}: how Prometheus names the JVM. */
  static String name(Map<String, String> labels) {
    String instance = labels.getOrDefault("instance", "?");
    String job = labels.get("job");
    return job == null ? instance : instance + " (" + job + ")";
  }

  private static List<Finding> agentFindings(PrometheusQuery prometheus, Instant at)
      throws PrometheusException {
    Map<String, List<String>> byId = new TreeMap<>();
    Map<String, Severity> severity = new TreeMap<>();
    for (PrometheusQuery.Series s :
        prometheus.vector("timewait_finding_raised_timestamp_seconds", at)) {
      String id = s.labels().get("id");
      Severity sev;
      try {
        sev = Severity.parse(s.labels().getOrDefault("severity", "info"));
      } catch (IllegalArgumentException e) {
        sev = Severity.INFO;
      }
      if (id == null) {
        continue;
      }
      byId.computeIfAbsent(id, k -> new ArrayList<>())
          .add(
              name(s.labels())
                  + ": "
                  + sev.label()
                  + " since "
                  + Instant.ofEpochMilli(Math.round(s.value() * 1000))
                  + " (timewait_finding_raised_timestamp_seconds)");
      severity.merge(id, sev, (a, b) -> a.atLeast(b) ? a : b);
    }
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byId.entrySet()) {
      int n = e.getValue().size();
      out.add(
          new Finding(
              e.getKey(),
              severity.get(e.getKey()),
              e.getKey() + " raised by the agents of " + n + (n == 1 ? " JVM" : " JVMs"),
              e.getValue(),
              "Each agent judged its own JVM and host. Run `timewait report --pid PID` on one of"
                  + " these hosts for the evidence and the exact remedy.",
              List.of()));
    }
    return out;
  }

  /** The series of one JVM, added up into a snapshot. */
  private static final class JvmSeries {
    final Map<List<String>, double[]> sites = new TreeMap<>(JvmSeries::compare);
    final Map<Role, double[]> totals = new EnumMap<>(Role.class);
    final Map<String, Double> endpoints = new TreeMap<>();
    final Map<String, Double> closeWait = new TreeMap<>();

    private static int compare(List<String> a, List<String> b) {
      return String.join("\n", a).compareTo(String.join("\n", b));
    }

    void site(PrometheusQuery.Series s) {
      Map<String, String> l = s.labels();
      List<String> key =
          List.of(
              l.getOrDefault("site", "?"),
              l.getOrDefault("open_site", "?"),
              l.getOrDefault("role", "unknown"),
              l.getOrDefault("via", "-"));
      add(sites.computeIfAbsent(key, k -> new double[3]), l.get("kind"), s.value());
    }

    void total(PrometheusQuery.Series s) {
      add(
          totals.computeIfAbsent(role(s.labels().get("role")), k -> new double[3]),
          s.labels().get("kind"),
          s.value());
    }

    private static void add(double[] counts, String kind, double value) {
      if (kind == null) {
        return;
      }
      switch (kind.toLowerCase(Locale.ROOT)) {
        case "active" -> counts[0] += value;
        case "passive" -> counts[1] += value;
        case "abortive" -> counts[2] += value;
        default -> {}
      }
    }

    private static Role role(String text) {
      try {
        return text == null ? Role.UNKNOWN : Role.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return Role.UNKNOWN;
      }
    }

    Snapshot snapshot(String name, Instant at) {
      List<SiteStats> rows = new ArrayList<>();
      for (Map.Entry<List<String>, double[]> e : sites.entrySet()) {
        double[] c = e.getValue();
        rows.add(
            new SiteStats(
                e.getKey().get(0),
                e.getKey().get(1),
                role(e.getKey().get(2)),
                (long) c[0],
                (long) c[1],
                (long) c[2],
                List.of(),
                List.of(),
                List.of(),
                e.getKey().get(3).equals("-") ? null : e.getKey().get(3)));
      }
      Map<Role, CloseCounts> byRole = new EnumMap<>(Role.class);
      long[] sum = new long[3];
      for (Map.Entry<Role, double[]> e : totals.entrySet()) {
        double[] c = e.getValue();
        byRole.put(e.getKey(), new CloseCounts((long) c[0], (long) c[1], (long) c[2]));
        for (int i = 0; i < 3; i++) {
          sum[i] += (long) c[i];
        }
      }
      List<EndpointStats> ends = new ArrayList<>();
      endpoints.forEach(
          (remote, active) -> ends.add(new EndpointStats(remote, active.longValue(), 0, 0)));
      List<CloseWaitStats> leaks = new ArrayList<>();
      closeWait.forEach(
          (openSite, count) -> {
            if (count > 0) {
              leaks.add(new CloseWaitStats(openSite, Role.UNKNOWN, count.longValue()));
            }
          });
      return new Snapshot(
          Snapshot.SCHEMA,
          at,
          null,
          new JvmInfo(0, null, null, name),
          null,
          new CloseTotals(sum[0], sum[1], sum[2], byRole),
          rows,
          ends,
          null,
          leaks,
          List.of(),
          0,
          null);
    }
  }
}
