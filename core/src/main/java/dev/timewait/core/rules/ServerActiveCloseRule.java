package dev.timewait.core.rules;

import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The server closes first, so TIME_WAIT piles up on its listening ports. */
public final class ServerActiveCloseRule implements Rule {

  @Override
  public String id() {
    return "SERVER_ACTIVE_CLOSE";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    List<String> evidence = new ArrayList<>();
    ConnectionTable table = Destinations.table(input);
    if (table != null && table.serverTimeWait() >= input.thresholds().serverTimeWait()) {
      evidence.add(
          "/proc/net/tcp: "
              + table.serverTimeWait()
              + " TIME_WAIT sockets on server ports (listening, or of a server that stopped)");
      for (ServerTimeWaitGroup group : table.serverGroups()) {
        if (evidence.size() > 5) {
          break;
        }
        evidence.add(
            "port "
                + group.localPort()
                + (group.listening() ? "" : " (nothing listens there now)")
                + ": "
                + group.timeWait()
                + " TIME_WAIT sockets from "
                + group.distinctRemoteIps()
                + " remote addresses");
      }
    }
    List<String> sites = new ArrayList<>();
    List<String> remedies = new ArrayList<>();
    for (Snapshot snapshot : input.snapshots()) {
      CloseCounts server =
          snapshot.totals() == null ? null : snapshot.totals().byRole().get(Role.SERVER);
      if (server == null || server.active() == 0) {
        continue;
      }
      evidence.add(
          "agent ("
              + AgentActivity.jvmLabel(snapshot)
              + "): "
              + server.active()
              + " active closes of accepted connections");
      for (SiteStats site : snapshot.sites()) {
        if (site.role() == Role.SERVER && site.active() > 0) {
          String fixPoint = SiteNames.fixPoint(site);
          if (!sites.contains(fixPoint)) {
            sites.add(fixPoint);
          }
          remedies.add(LibraryRemedies.forServer(site));
        }
      }
    }
    if (evidence.isEmpty()) {
      return Optional.empty();
    }
    String where = SiteNames.join(sites, "the server");
    StringBuilder libraries = new StringBuilder();
    for (String remedy : LibraryRemedies.distinct(remedies)) {
      libraries.append(' ').append(LibraryRemedies.sentence(remedy));
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "The server side closes connections first and so holds the TIME_WAIT sockets",
            evidence,
            "Let the client close first where the protocol allows: at "
                + where
                + ", keep HTTP/1.1 connections alive instead of closing after each response (no"
                + " `Connection: close`), and let idle timeouts on the client be shorter than on"
                + " the server. No sysctl helps here: tcp_tw_reuse only affects outgoing"
                + " connections."
                + libraries,
            List.of(References.RFC_9293)));
  }
}
