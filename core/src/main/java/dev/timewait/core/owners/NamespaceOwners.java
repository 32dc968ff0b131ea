package dev.timewait.core.owners;

import dev.timewait.core.host.HostSample;
import java.util.List;

/**
 * One network namespace's TIME_WAIT sockets and who owns them.
 *
 * @param netns the namespace's inode ({@code /proc/PID/ns/net}), or null when unknown
 * @param own whether it is the namespace of the reader (its sysctls are read directly)
 * @param readThroughPid the process whose {@code /proc/PID/net} was read; 0 for the reader's own
 * @param processes the processes in it, by pid
 * @param sample the namespace's sample: settings, counters and table, all of that namespace
 * @param timeWait its TIME_WAIT sockets, counted in the same pass as the owners
 * @param owners most sockets first, unknown last; their {@code timeWait} add up to {@code timeWait}
 */
public record NamespaceOwners(
    Long netns,
    boolean own,
    long readThroughPid,
    List<HostProcess> processes,
    HostSample sample,
    long timeWait,
    List<Owner> owners) {

  public NamespaceOwners {
    processes = List.copyOf(processes);
    owners = List.copyOf(owners);
  }

  /** The distinct container ids of its processes, in pid order. */
  public List<String> containerIds() {
    return processes.stream()
        .map(HostProcess::containerId)
        .filter(id -> id != null)
        .distinct()
        .toList();
  }
}
