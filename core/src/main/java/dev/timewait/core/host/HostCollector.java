package dev.timewait.core.host;

import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.host.oshi.OshiHostCollector;
import java.util.Set;

/**
 * Samples a host. Implementations hold no static state, are safe to call from several threads and
 * never throw on odd or missing data: what they cannot read is reported in {@link
 * HostSample#unavailable()}.
 */
public interface HostCollector {

  /**
   * Settings, counters and NAT signals, without the connection table: cheap enough to run often.
   */
  HostSample sampleCounters();

  /** Everything, including the connection table (null only if nothing at all could be sampled). */
  default HostSample sampleTable() {
    return sampleTable(Set.of());
  }

  /**
   * Everything, including the connection table, and which of {@code watched} are in TIME_WAIT
   * ({@link ConnectionTable#watchedInTimeWait()}) or held in another state. Watching costs a set
   * look-up per socket whose local port a watched 4-tuple has. The counters are read before the
   * table, so the table already shows what they count (a socket the kernel reset is gone from it).
   */
  HostSample sampleTable(Set<SocketPair> watched);

  /**
   * The best collector for a root: the {@code /proc} reader where the root has a {@code
   * /proc/net/tcp} (Linux, or a tree captured from it), else OSHI for the running host (macOS,
   * Windows). A captured tree without {@code /proc} still gets the {@code /proc} reader, which then
   * reports what is missing. So does a live host without {@code /proc} where OSHI is not on the
   * class path (the agent carries no OSHI).
   */
  static HostCollector forRoot(HostRoot root) {
    if (root.exists("/proc/net/tcp") || !root.isLive() || !oshiPresent()) {
      return new LinuxProcCollector(root);
    }
    return new OshiHostCollector(root);
  }

  private static boolean oshiPresent() {
    try {
      Class.forName("oshi.SystemInfo", false, HostCollector.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
