package dev.timewait.core.rules;

import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The application resets connections (SO_LINGER 0), which can lose data. */
public final class AbortiveClosesRule implements Rule {

  @Override
  public String id() {
    return "ABORTIVE_CLOSES";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    List<String> evidence = new ArrayList<>();
    List<String> sites = new ArrayList<>();
    boolean jedis = false;
    for (Snapshot snapshot : input.snapshots()) {
      long abortive = snapshot.totals() == null ? 0 : snapshot.totals().abortive();
      if (abortive == 0) {
        continue;
      }
      evidence.add(
          "agent ("
              + AgentActivity.jvmLabel(snapshot)
              + "): "
              + abortive
              + " abortive closes (RST)");
      for (SiteStats site : snapshot.sites()) {
        if (site.abortive() > 0) {
          jedis |= site.via() != null && site.via().startsWith("redis.clients:jedis");
          evidence.add("  " + site.site() + ": " + site.abortive() + " abortive closes");
          if (!sites.contains(site.site())) {
            sites.add(site.site());
          }
        }
      }
    }
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    String where = SiteNames.join(sites, "the closing code");
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "Connections are reset instead of closed: data in flight may be lost",
            evidence,
            "At "
                + where
                + ": use SO_LINGER 0 (setSoLinger(true, 0)) only after the application protocol has"
                + " acknowledged all data; otherwise close normally and reuse connections to avoid"
                + " TIME_WAIT."
                + (jedis
                    ? " Jedis sets SO_LINGER 0 on every connection it closes: keep its connections"
                        + " open in a JedisPool (or JedisPooled) rather than closing one per call."
                    : ""),
            List.of(References.RFC_9293)));
  }
}
