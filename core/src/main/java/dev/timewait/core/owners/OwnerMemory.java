package dev.timewait.core.owners;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which process held a socket to a destination, or listened on a port, at an earlier sample: a
 * client that opens and closes a connection per request holds none at most instants, but its
 * TIME_WAIT sockets outlive the connections by a minute. Bounded; the least recently seen entries
 * go first.
 */
final class OwnerMemory {

  /** Entries kept per kind: a few MB at most. */
  static final int MAX_ENTRIES = 20_000;

  /** A process seen holding a socket. */
  record Sighting(HostProcess process, Instant at) {}

  private record DestinationKey(long netns, ClientDestination destination) {}

  private record ListenerKey(long netns, int port) {}

  private final Map<DestinationKey, Sighting> destinations = lru();
  private final Map<ListenerKey, Sighting> listeners = lru();

  private static <K> Map<K, Sighting> lru() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, Sighting> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  synchronized void sawConnection(long netns, ClientDestination to, HostProcess by, Instant at) {
    destinations.put(new DestinationKey(netns, to), new Sighting(by, at));
  }

  synchronized void sawListener(long netns, int port, HostProcess by, Instant at) {
    listeners.put(new ListenerKey(netns, port), new Sighting(by, at));
  }

  synchronized Sighting connection(long netns, ClientDestination to) {
    return destinations.get(new DestinationKey(netns, to));
  }

  synchronized Sighting listener(long netns, int port) {
    return listeners.get(new ListenerKey(netns, port));
  }
}
