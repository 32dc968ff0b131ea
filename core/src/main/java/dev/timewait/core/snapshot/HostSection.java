package dev.timewait.core.snapshot;

import java.time.Instant;
import java.util.List;

/**
 * The host as the agent last sampled it: the snapshot's {@code host} section.
 *
 * @param takenAt when the counters were read, or null before the first sample
 * @param collector which collector read them ({@code linux-proc})
 * @param kernel the kernel release, or null
 * @param timeWait the host's TIME_WAIT sockets, or null when unknown
 * @param closeWait the host's CLOSE_WAIT sockets, or null before the first table sample
 * @param destinations the largest client-side destinations, largest first
 * @param match this JVM's recent active closes matched with the table, or null before the first
 *     table sample
 * @param unavailable what the host could not give, one line each
 */
public record HostSection(
    Instant takenAt,
    String collector,
    String kernel,
    Long timeWait,
    Long closeWait,
    List<HostDestination> destinations,
    HostMatch match,
    List<String> unavailable) {

  public HostSection {
    destinations = Snapshot.withoutNulls(destinations);
    unavailable = Snapshot.withoutNulls(unavailable);
  }
}
