package dev.timewait.core.rules;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers at which rules fire. Shares are fractions (0.5 = 50%).
 *
 * @param reuseShare share of the usable ephemeral range one client destination group must use
 *     before {@code TW_REUSE_RECOMMENDED} fires
 * @param portWarn share of the usable range for a {@code PORT_EXHAUSTION_RISK} warning
 * @param portCritical share of the usable range for a critical {@code PORT_EXHAUSTION_RISK}
 * @param loopbackOnlyTimeWait client TIME_WAIT sockets to non-loopback destinations for {@code
 *     TW_REUSE_LOOPBACK_ONLY}
 * @param twBucketsShare share of {@code tcp_max_tw_buckets} for {@code TW_BUCKETS_OVERFLOW}
 * @param serverTimeWait TIME_WAIT sockets on listening ports for {@code SERVER_ACTIVE_CLOSE}
 * @param conntrackShare share of {@code nf_conntrack_max} for {@code CONNTRACK_PRESSURE}
 * @param closeWait CLOSE_WAIT sockets for {@code CLOSE_WAIT_LEAK}
 * @param churnPerMinute active client closes per minute of one site for {@code CLIENT_CHURN_SITE}
 */
public record Thresholds(
    double reuseShare,
    double portWarn,
    double portCritical,
    long loopbackOnlyTimeWait,
    double twBucketsShare,
    long serverTimeWait,
    double conntrackShare,
    long closeWait,
    double churnPerMinute) {

  /** The documented defaults. */
  public static Thresholds defaults() {
    return new Thresholds(0.5, 0.5, 0.8, 1000, 0.9, 1000, 0.8, 100, 100);
  }

  /** The thresholds by name, as accepted by {@link #with(String, String)}. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("reuseShare", reuseShare);
    map.put("portWarn", portWarn);
    map.put("portCritical", portCritical);
    map.put("loopbackOnlyTimeWait", loopbackOnlyTimeWait);
    map.put("twBucketsShare", twBucketsShare);
    map.put("serverTimeWait", serverTimeWait);
    map.put("conntrackShare", conntrackShare);
    map.put("closeWait", closeWait);
    map.put("churnPerMinute", churnPerMinute);
    return map;
  }

  /**
   * A copy with one threshold changed; names are matched ignoring case.
   *
   * @throws IllegalArgumentException for an unknown name or a value that is not a non-negative
   *     number
   */
  public Thresholds with(String name, String value) {
    double number;
    try {
      number = Double.parseDouble(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("threshold " + name + ": not a number: '" + value + "'");
    }
    if (!(number >= 0) || Double.isInfinite(number)) {
      throw new IllegalArgumentException("threshold " + name + ": must be >= 0: '" + value + "'");
    }
    Map<String, Object> values = asMap();
    String key = null;
    for (String known : values.keySet()) {
      if (known.equalsIgnoreCase(name.strip())) {
        key = known;
      }
    }
    if (key == null) {
      throw new IllegalArgumentException(
          "unknown threshold '" + name + "' (known: " + String.join(", ", values.keySet()) + ")");
    }
    values.put(key, number);
    return new Thresholds(
        number(values, "reuseShare"),
        number(values, "portWarn"),
        number(values, "portCritical"),
        Math.round(number(values, "loopbackOnlyTimeWait")),
        number(values, "twBucketsShare"),
        Math.round(number(values, "serverTimeWait")),
        number(values, "conntrackShare"),
        Math.round(number(values, "closeWait")),
        number(values, "churnPerMinute"));
  }

  private static double number(Map<String, Object> values, String key) {
    return ((Number) values.get(key)).doubleValue();
  }
}
