package dev.timewait.core.rules;

import java.util.List;

/**
 * How much of the ephemeral port range one client destination group uses, and where it is heading:
 * connections from one local IP to one remote IP and port share a single range.
 *
 * <p>The ports {@code connect()} cannot use now ({@link #blocked()}) are the group's sockets in
 * other states plus the TIME_WAIT sockets it cannot take over: all of them when {@code
 * tcp_tw_reuse} does not apply to the destination, only those younger than {@code
 * tcp_tw_reuse_delay} when it does. Each new connection blocks its port for {@link #holdSeconds()}
 * (60 s, or the reuse delay), so at a steady rate the blocked ports settle at rate times hold; when
 * that reaches the usable range, the range runs out in {@link #secondsToExhaustion()}. The
 * namespace keeps at most {@code tcp_max_tw_buckets} TIME_WAIT sockets (past it a close leaves
 * none), so no more ports than that are held by TIME_WAIT however high the rate.
 *
 * @param local local IP
 * @param remote remote {@code ip:port}
 * @param timeWait TIME_WAIT sockets of the group (from the table), or the agent's active closes of
 *     the last 60 s (each leaves a TIME_WAIT socket for 60 s)
 * @param inUse ports of the range the group holds in any state
 * @param usable usable ports of the range, or null when unknown
 * @param utilization {@code blocked / usable}, or null when unknown
 * @param loopback whether the remote address is a loopback address
 * @param source where the numbers came from: {@code /proc/net/tcp} or {@code agent}
 * @param sites agent sites that actively close connections to this remote, busiest first
 * @param blocked ports {@code connect()} cannot use for this destination now
 * @param reuse whether {@code tcp_tw_reuse} lets {@code connect()} take over this destination's
 *     TIME_WAIT tuples
 * @param ratePerSecond new connections per second to this destination, or null when unknown
 * @param rateBasis where the rate comes from, for the evidence, or null
 * @param holdSeconds how long a new connection blocks its port: 60, or the reuse delay
 * @param secondsToExhaustion when the range runs out at this rate (0: it has), or null when it does
 *     not at this rate or the rate is unknown
 * @param timeWaitCap {@code tcp_max_tw_buckets} of the namespace, or null when unknown
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
    List<String> sites,
    long blocked,
    boolean reuse,
    Double ratePerSecond,
    String rateBasis,
    double holdSeconds,
    Double secondsToExhaustion,
    Long timeWaitCap) {

  /** Source name for groups taken from the kernel's connection table. */
  public static final String TABLE = "/proc/net/tcp";

  /** Source name for groups estimated from the agent's recent active closes. */
  public static final String AGENT = "agent";

  /** Seconds a TIME_WAIT socket holds its port on Linux (TCP_TIMEWAIT_LEN). */
  public static final double TIME_WAIT_SECONDS = 60;

  public DestinationUse {
    sites = List.copyOf(sites);
  }

  /** A group of which only the use is known: every socket blocks its port, no rate. */
  public DestinationUse(
      String local,
      String remote,
      long timeWait,
      long inUse,
      Integer usable,
      Double utilization,
      boolean loopback,
      String source,
      List<String> sites) {
    this(
        local,
        remote,
        timeWait,
        inUse,
        usable,
        utilization,
        loopback,
        source,
        sites,
        inUse,
        false,
        null,
        null,
        TIME_WAIT_SECONDS,
        null,
        null);
  }

  /** Whether the range runs out at the current rate. */
  public boolean exhaustionPredicted() {
    return secondsToExhaustion != null;
  }

  /** Share of the usable range blocked once the current rate has run for a while, or null. */
  public Double steadyShare() {
    if (ratePerSecond == null || usable == null || usable == 0) {
      return null;
    }
    return (heldAtRate(ratePerSecond, holdSeconds, timeWaitCap) + Math.max(0, inUse - timeWait))
        / usable;
  }

  /**
   * Ports that TIME_WAIT holds once {@code rate} has run for a while: rate times hold, but never
   * more than the namespace's TIME_WAIT table keeps ({@code cap}, null when unknown).
   */
  static double heldAtRate(double rate, double hold, Long cap) {
    double held = rate * hold;
    return cap != null && cap >= 0 && cap < held ? cap : held;
  }

  /** Whether the TIME_WAIT table's cap, not the rate, limits the ports held. */
  public boolean cappedByTimeWaitTable() {
    return ratePerSecond != null
        && timeWaitCap != null
        && timeWaitCap < ratePerSecond * holdSeconds;
  }

  /** Whether {@code ip} (canonical text) is a loopback address. */
  public static boolean isLoopback(String ip) {
    return ip != null && (ip.startsWith("127.") || ip.equals("::1"));
  }
}
