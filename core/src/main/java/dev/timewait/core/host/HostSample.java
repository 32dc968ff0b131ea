package dev.timewait.core.host;

import java.time.Instant;
import java.util.List;

/**
 * One sample of a host's TIME_WAIT situation.
 *
 * @param takenAt when the sample was taken
 * @param collector which implementation produced it, e.g. {@code linux-proc} or {@code oshi}
 * @param hostRoot the root the files were read under ({@code /} for the running host)
 * @param os operating system and kernel
 * @param settings sysctl values
 * @param sysctlFiles what the sysctl configuration files set, in the order the files are applied
 * @param counters kernel counters
 * @param table the connection table, or null for a counters-only sample
 * @param nat signs of address translation
 * @param unavailable what could not be sampled and why, one line each, e.g. {@code "TIME_WAIT
 *     sockets: not visible through OSHI on macOS"}
 */
public record HostSample(
    Instant takenAt,
    String collector,
    String hostRoot,
    OsInfo os,
    KernelSettings settings,
    List<SysctlFileEntry> sysctlFiles,
    TcpCounters counters,
    ConnectionTable table,
    NatSignals nat,
    List<String> unavailable) {

  public HostSample {
    sysctlFiles = List.copyOf(sysctlFiles);
    unavailable = List.copyOf(unavailable);
  }

  /** A sample of which nothing is known, with the reasons in {@code unavailable}. */
  public static HostSample unknown(
      String collector, String hostRoot, OsInfo os, List<String> unavailable) {
    return new HostSample(
        Instant.now(),
        collector,
        hostRoot,
        os,
        KernelSettings.unknown(),
        List.of(),
        TcpCounters.unknown(),
        null,
        NatSignalDetector.detect(KernelSettings.unknown(), null, List.of(), List.of()),
        unavailable);
  }

  /**
   * Sockets in TIME_WAIT now: from the table when sampled, else from sockstat (which also counts
   * FIN_WAIT2 mini-sockets), or null when neither is known.
   */
  public Long timeWaitNow() {
    if (table != null) {
      return table.timeWait();
    }
    return counters.sockstatTw();
  }
}
