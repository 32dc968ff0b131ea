package dev.timewait.core.rules;

import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A code site opens and actively closes client connections at a high rate. */
public final class ClientChurnSiteRule implements Rule {

  @Override
  public String id() {
    return "CLIENT_CHURN_SITE";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    List<SiteRate> busy = new ArrayList<>();
    for (SiteRate rate : AgentActivity.siteRates(input)) {
      if (rate.site().role() == Role.CLIENT
          && rate.activePerMinute() >= input.thresholds().churnPerMinute()) {
        busy.add(rate);
      }
    }
    if (busy.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> remedies = new ArrayList<>();
    for (SiteRate rate : busy) {
      StringBuilder line = new StringBuilder();
      line.append(rate.site().site())
          .append(String.format(": %.0f active client closes/min", rate.activePerMinute()))
          .append(" (")
          .append(rate.jvm())
          .append("; ")
          .append(rate.basis())
          .append(')');
      if (rate.site().openSite() != null) {
        line.append(", opened at ").append(rate.site().openSite());
      }
      List<String> remotes = new ArrayList<>();
      for (SiteEndpoint endpoint : rate.site().endpoints()) {
        if (remotes.size() < 3) {
          remotes.add(endpoint.remote());
        }
      }
      if (!remotes.isEmpty()) {
        line.append(", to ").append(String.join(", ", remotes));
      }
      for (SnapshotMatch match : input.matches()) {
        if (!AgentActivity.jvmLabel(match.snapshot()).equals(rate.jvm())) {
          continue;
        }
        SiteOwnership owned = match.site(rate.site().site(), rate.site().openSite());
        if (owned != null && owned.timeWait() > 0) {
          line.append(
              String.format(
                  "; /proc/net/tcp holds %d of its recent closes in TIME_WAIT now",
                  owned.timeWait()));
          if (owned.shareOfHostTimeWait() != null) {
            line.append(
                String.format(
                    " (%.1f%% of the host's TIME_WAIT)", owned.shareOfHostTimeWait() * 100));
          }
        }
      }
      if (rate.site().via() != null) {
        line.append(", through ").append(rate.site().via());
      }
      evidence.add(line.toString());
      remedies.add(LibraryRemedies.forClient(rate.site()));
      String fixPoint = SiteNames.fixPoint(rate.site());
      if (!names.contains(fixPoint)) {
        names.add(fixPoint);
      }
    }
    SiteRate top = busy.get(0);
    StringBuilder libraries = new StringBuilder();
    for (String remedy : LibraryRemedies.distinct(remedies)) {
      libraries.append(' ').append(LibraryRemedies.sentence(remedy));
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            String.format(
                "%s opens and closes %.0f client connections a minute",
                SiteNames.fixPoint(top.site()), top.activePerMinute()),
            evidence,
            "Reuse connections at "
                + SiteNames.join(names, "")
                + ": keep HTTP connections alive or use a connection pool (one client instance"
                + " shared across requests) instead of connecting and closing per request; each"
                + " close leaves a TIME_WAIT socket holding a port for 60 s."
                + libraries,
            List.of(References.RFC_9293)));
  }
}
