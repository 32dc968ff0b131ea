package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sockets the peer closed and the application never closed (CLOSE_WAIT): a leak in the code, which
 * no kernel setting fixes.
 */
public final class CloseWaitLeakRule implements Rule {

  @Override
  public String id() {
    return "CLOSE_WAIT_LEAK";
  }

  static Long closeWait(HostSample host) {
    return host == null || host.table() == null ? null : host.table().count(TcpState.CLOSE_WAIT);
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    List<String> evidence = new ArrayList<>();
    Long end = closeWait(input.hostEnd());
    Long start = closeWait(input.hostStart());
    boolean many = end != null && end >= input.thresholds().closeWait();
    boolean growing = many && start != null && input.hostStart() != input.hostEnd() && end > start;
    if (many) {
      evidence.add(
          "/proc/net/tcp: "
              + end
              + " sockets in CLOSE_WAIT"
              + (growing
                  ? ", up from "
                      + start
                      + " at the start of the "
                      + input.window().toSeconds()
                      + " s window"
                  : ""));
    }
    List<String> openSites = new ArrayList<>();
    for (Snapshot snapshot : input.snapshots()) {
      for (CloseWaitStats stats : snapshot.closeWait()) {
        if (stats.count() > 0) {
          evidence.add(
              "agent ("
                  + AgentActivity.jvmLabel(snapshot)
                  + "): "
                  + stats.count()
                  + " "
                  + stats.role()
                  + " connections in CLOSE_WAIT opened at "
                  + stats.openSite());
          if (!openSites.contains(stats.openSite())) {
            openSites.add(stats.openSite());
          }
        }
      }
    }
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    boolean critical = growing || !openSites.isEmpty();
    String where =
        openSites.isEmpty()
            ? "the code that owns these connections (ss -tanp state close-wait names the process)"
            : "the connections opened at " + SiteNames.join(openSites, "");
    return Optional.of(
        new Finding(
            id(),
            critical ? Severity.CRITICAL : Severity.WARNING,
            critical
                ? "Connections are leaking in CLOSE_WAIT: the peer closed them and the application"
                    + " never does"
                : "Many sockets are in CLOSE_WAIT: the application has not closed connections its"
                    + " peer closed",
            evidence,
            "Fix the code, not the kernel: close "
                + where
                + " when a read returns end of stream (-1) or an exception, in a finally block or"
                + " try-with-resources, and return pooled connections on every path.",
            List.of(References.RFC_9293)));
  }
}
