package dev.timewait.core.owners;

import dev.timewait.core.snapshot.Snapshot;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts one namespace's TIME_WAIT sockets per owner, one socket at a time, and keeps for each
 * owner the first piece of evidence and how many destinations it covers.
 */
final class OwnerTally {

  private record Key(OwnerKind kind, Long pid, String name, String site) {}

  private static final class Count {
    long sockets;
    String evidence;
    final Set<Object> destinations = new HashSet<>();
  }

  private final Long netns;
  private final Map<Key, Count> counts = new LinkedHashMap<>();

  OwnerTally(Long netns) {
    this.netns = netns;
  }

  /** A socket whose 4-tuple the JVM's agent recorded closing at {@code site}. */
  void exact(Snapshot snapshot, String jvm, String site) {
    long pid = snapshot.jvm() == null ? 0 : snapshot.jvm().pid();
    add(
        new Key(OwnerKind.JVM_SITE, pid > 0 ? pid : null, jvm, site),
        "jvm",
        "4-tuple among the agent's recent active closes");
  }

  /** A server-side socket: its local port is listening. */
  void listener(int port, HostProcess now, OwnerMemory.Sighting earlier) {
    HostProcess owner = now != null ? now : earlier == null ? null : earlier.process();
    if (owner == null) {
      add(unknown(), "port " + port, "no process listens on port " + port + " now or before");
      return;
    }
    String when = now != null ? "now" : "at " + time(earlier.at());
    add(
        process(owner),
        "port " + port,
        "listens on port " + port + " (" + when + "), the local port of these sockets");
  }

  /** A client-side socket to {@code to}. */
  void client(ClientDestination to, HostProcess now, OwnerMemory.Sighting earlier) {
    HostProcess owner = now != null ? now : earlier == null ? null : earlier.process();
    if (owner == null) {
      add(unknown(), to, "no process holds or held a socket to " + to);
      return;
    }
    String when = now != null ? "now" : "at " + time(earlier.at());
    add(process(owner), to, "holds a socket to " + to + " (" + when + ")");
  }

  private static Key process(HostProcess process) {
    return new Key(OwnerKind.PROCESS, process.pid(), process.name(), null);
  }

  private static Key unknown() {
    return new Key(OwnerKind.UNKNOWN, null, null, null);
  }

  private static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private void add(Key key, Object destination, String evidence) {
    Count count = counts.computeIfAbsent(key, k -> new Count());
    count.sockets++;
    if (count.evidence == null) {
      count.evidence = evidence;
    }
    count.destinations.add(destination);
  }

  /** The owners, most sockets first, unknown last. */
  List<Owner> owners() {
    long total = 0;
    for (Count count : counts.values()) {
      total += count.sockets;
    }
    long all = total;
    List<Owner> owners = new ArrayList<>();
    counts.forEach(
        (key, count) -> {
          String evidence = count.evidence;
          int more = count.destinations.size() - 1;
          if (key.kind() != OwnerKind.JVM_SITE && more > 0) {
            evidence += "; and " + more + " more destination" + (more == 1 ? "" : "s");
          }
          owners.add(
              new Owner(
                  key.kind(),
                  key.pid(),
                  key.name(),
                  key.site(),
                  count.sockets,
                  (double) count.sockets / all,
                  key.kind() == OwnerKind.JVM_SITE,
                  netns,
                  evidence));
        });
    owners.sort(
        Comparator.comparing((Owner o) -> o.kind() == OwnerKind.UNKNOWN)
            .thenComparing(Comparator.comparingLong(Owner::timeWait).reversed())
            .thenComparing(o -> String.valueOf(o.name())));
    return owners;
  }
}
