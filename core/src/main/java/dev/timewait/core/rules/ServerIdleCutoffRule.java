package dev.timewait.core.rules;

import dev.timewait.core.snapshot.EndpointStats;
import dev.timewait.core.snapshot.PeerIdleTimes;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A server closes connections that sit idle longer than its cut-off, and the client's pool keeps
 * them longer: every connection the pool keeps past it ends passive on the client (its next use
 * fails, or it waits in CLOSE_WAIT), and the server holds the TIME_WAIT. The cut-off is inferred
 * per destination from the idle times the agent read before each peer's FIN: the shortest of a
 * cluster of them, since the server never closes sooner.
 */
public final class ServerIdleCutoffRule implements Rule {
  @Override
  public String id() {
    return "SERVER_IDLE_CUTOFF";
  }

  /** A destination's idle times over every JVM, and which JVMs and libraries measured them. */
  static final class Destination {
    final String remote;
    final Map<Long, Long> buckets = new TreeMap<>();
    final List<String> jvms = new ArrayList<>();
    final List<String> vias = new ArrayList<>();
    long closes;
    long minIdle = -1;
    long max;

    Destination(String remote) {
      this.remote = remote;
    }

    void add(PeerIdleTimes idle, String jvm) {
      closes += idle.closes();
      if (idle.minIdleMillis() >= 0) {
        minIdle = minIdle < 0 ? idle.minIdleMillis() : Math.min(minIdle, idle.minIdleMillis());
      }
      max = Math.max(max, idle.maxMillis());
      for (PeerIdleTimes.Bucket b : idle.buckets()) {
        buckets.merge(b.fromMillis(), b.count(), Long::sum);
      }
      if (!jvms.contains(jvm)) {
        jvms.add(jvm);
      }
      if (idle.via() != null && !vias.contains(idle.via())) {
        vias.add(idle.via());
      }
    }

    PeerIdleTimes merged() {
      List<PeerIdleTimes.Bucket> rows = new ArrayList<>();
      buckets.forEach((from, count) -> rows.add(new PeerIdleTimes.Bucket(from, count)));
      return new PeerIdleTimes(closes, minIdle, max, rows, null);
    }
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    Map<String, Destination> byRemote = new LinkedHashMap<>();
    for (Snapshot snapshot : input.snapshots()) {
      for (EndpointStats endpoint : snapshot.endpoints()) {
        if (endpoint.peerIdle() != null
            && !EndpointStats.OTHER_ENDPOINTS.equals(endpoint.remote())) {
          byRemote
              .computeIfAbsent(endpoint.remote(), Destination::new)
              .add(endpoint.peerIdle(), AgentActivity.jvmLabel(snapshot));
        }
      }
    }
    List<String> evidence = new ArrayList<>();
    List<String> remedies = new ArrayList<>();
    List<String> cutoffs = new ArrayList<>();
    for (Destination d : byRemote.values()) {
      PeerIdleTimes idle = d.merged();
      long cutoff = idle.serverCutoffMillis();
      if (cutoff < 0) {
        continue;
      }
      long below = below(cutoff);
      cutoffs.add(d.remote + " after " + duration(cutoff));
      String upTo = duration(idle.clusterUpToMillis());
      String range =
          upTo.equals(duration(cutoff)) ? duration(cutoff) : duration(cutoff) + " to " + upTo;
      evidence.add(
          "agent ("
              + String.join(", ", d.jvms)
              + "): the server closed "
              + idle.nearShortest()
              + " of the connections to "
              + d.remote
              + " after they had sat idle "
              + range
              + " ("
              + idle.nearShortest()
              + " of "
              + idle.idleCloses()
              + " closes after at least "
              + duration(PeerIdleTimes.IDLE_MILLIS)
              + " idle; "
              + idle.closes()
              + " server closes measured, the longest idle "
              + duration(idle.maxMillis())
              + ")");
      List<String> named = new ArrayList<>();
      for (String via : d.vias) {
        named.add(LibraryRemedies.forIdleCutoff(via, below));
      }
      if (named.isEmpty()) {
        named.add(LibraryRemedies.forIdleCutoff(null, below));
      }
      for (String remedy : LibraryRemedies.distinct(named)) {
        remedies.add("For " + d.remote + ": " + remedy + ".");
      }
    }
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "A server closes idle connections sooner than the client's pool drops them ("
                + String.join("; ", cutoffs)
                + "): pooled connections end on the server's close, and a stale one can fail"
                + " its next use",
            evidence,
            String.join(" ", remedies)
                + " Keep the client's idle time below the server's, so that the pool closes or"
                + " refreshes its connections first; a connection the pool never checks waits in"
                + " CLOSE_WAIT.",
            List.of(References.RFC_9293)));
  }

  /** A client idle time safely below a cut-off: three quarters of it, rounded down. */
  static long below(long cutoffMillis) {
    long target = cutoffMillis * 3 / 4;
    long unit = target < 10_000 ? 100 : target < 600_000 ? 1_000 : 60_000;
    return Math.max(unit, target / unit * unit);
  }

  /** {@code 750 ms}, {@code 1.2 s}, {@code 45 s}, {@code 5 min}. */
  static String duration(long millis) {
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 10_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (millis < 600_000 || millis % 60_000 != 0) {
      return (millis / 1000) + " s";
    }
    return (millis / 60_000) + " min";
  }
}
