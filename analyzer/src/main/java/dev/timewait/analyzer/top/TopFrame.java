package dev.timewait.analyzer.top;

import dev.timewait.core.rules.DestinationUse;
import dev.timewait.core.rules.Finding;
import java.time.Instant;
import java.util.List;

/**
 * What one refresh of {@code top} shows.
 *
 * @param at when it was sampled
 * @param timeWait the host's TIME_WAIT sockets, or null when unknown
 * @param closeWait the host's CLOSE_WAIT sockets, or null when unknown
 * @param timeWaitPerSecond change of {@code timeWait} per second since the previous refresh, or
 *     null on the first
 * @param timeWaitHistory the last refreshes' TIME_WAIT counts, oldest first (unknown ones left out)
 * @param jvms JVMs that answered
 * @param sites every site of every JVM
 * @param destinations client destination groups, most used first
 * @param findings the findings that hold now, most severe first
 * @param events findings raised or cleared at this refresh
 * @param problems what could not be read, one line each
 */
public record TopFrame(
    Instant at,
    Long timeWait,
    Long closeWait,
    Double timeWaitPerSecond,
    List<Long> timeWaitHistory,
    int jvms,
    List<SiteRow> sites,
    List<DestinationUse> destinations,
    List<Finding> findings,
    List<FindingEvent> events,
    List<String> problems) {

  public TopFrame {
    timeWaitHistory = List.copyOf(timeWaitHistory);
    sites = List.copyOf(sites);
    destinations = List.copyOf(destinations);
    findings = List.copyOf(findings);
    events = List.copyOf(events);
    problems = List.copyOf(problems);
  }

  /**
   * A finding that appeared or went away.
   *
   * @param at when it was seen to change
   * @param raised true when it appeared, false when it cleared
   * @param finding the finding
   */
  public record FindingEvent(Instant at, boolean raised, Finding finding) {}
}
