package dev.timewait.core.rules;

import java.util.List;

/**
 * How much of the ephemeral port range one client destination group uses: connections from one
 * local IP to one remote IP and port share a single range.
 *
 * @param local local IP
 * @param remote remote {@code ip:port}
 * @param timeWait TIME_WAIT sockets of the group (from the table), or the agent's active closes of
 *     the last 60 s (each leaves a TIME_WAIT socket for 60 s)
 * @param inUse ports of the range the group holds in any state
 * @param usable usable ports of the range, or null when unknown
 * @param utilization {@code inUse / usable}, or null when unknown
 * @param loopback whether the remote address is a loopback address
 * @param source where the numbers came from: {@code /proc/net/tcp} or {@code agent}
 * @param sites agent sites that actively close connections to this remote, busiest first
 */
public record DestinationUse(
    String local,
    String remote,
    long timeWait,
    long inUse,
    Integer usable,
    Double utilization,
    boolean loopback,
    String source,
    List<String> sites) {

  public DestinationUse {
    sites = List.copyOf(sites);
  }

  /** Source name for groups taken from the kernel's connection table. */
  public static final String TABLE = "/proc/net/tcp";

  /** Source name for groups estimated from the agent's recent active closes. */
  public static final String AGENT = "agent";

  /** Whether {@code ip} (canonical text) is a loopback address. */
  public static boolean isLoopback(String ip) {
    return ip != null && (ip.startsWith("127.") || ip.equals("::1"));
  }
}
