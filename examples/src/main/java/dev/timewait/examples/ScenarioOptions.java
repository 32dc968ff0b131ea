package dev.timewait.examples;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What a scenario run may do: how many requests, how fast, for how long, and where.
 *
 * @param requests the number of requests to send (each scenario says how many connections that
 *     makes)
 * @param duration an upper bound on the request phase; {@code close-wait-leak} also holds its
 *     sockets until this much time has passed since it started
 * @param rate requests per second; 0 sends as fast as the loopback allows
 * @param tuples where to write the expected 4-tuples, or null
 * @param host the loopback address every socket uses: 127.0.0.1 or ::1
 * @param port the server's port; 0 lets the kernel choose
 */
public record ScenarioOptions(
    int requests, Duration duration, double rate, Path tuples, InetAddress host, int port) {

  /** Requests per scenario when none are given. */
  public static final int DEFAULT_REQUESTS = 200;

  /** The duration when none is given. */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(5);

  public ScenarioOptions {
    if (requests < 1) {
      throw new IllegalArgumentException("--requests must be at least 1, got " + requests);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a number >= 0, got " + rate);
    }
    if (!host.isLoopbackAddress()) {
      throw new IllegalArgumentException("--host must be a loopback address, got " + host);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0-65535, got " + port);
    }
  }

  /** Defaults: 200 requests, 5 s, unthrottled, 127.0.0.1, a kernel-chosen port, no tuple file. */
  public static ScenarioOptions defaults() {
    return new ScenarioOptions(
        DEFAULT_REQUESTS, DEFAULT_DURATION, 0, null, InetAddress.getLoopbackAddress(), 0);
  }

  public ScenarioOptions withRequests(int value) {
    return new ScenarioOptions(value, duration, rate, tuples, host, port);
  }

  public ScenarioOptions withDuration(Duration value) {
    return new ScenarioOptions(requests, value, rate, tuples, host, port);
  }

  public ScenarioOptions withRate(double value) {
    return new ScenarioOptions(requests, duration, value, tuples, host, port);
  }

  public ScenarioOptions withTuples(Path value) {
    return new ScenarioOptions(requests, duration, rate, value, host, port);
  }

  public ScenarioOptions withHost(InetAddress value) {
    return new ScenarioOptions(requests, duration, rate, tuples, value, port);
  }

  public ScenarioOptions withPort(int value) {
    return new ScenarioOptions(requests, duration, rate, tuples, host, value);
  }

  /** Parses {@code 20s}, {@code 1500ms}, {@code 2m} or a plain number of seconds. */
  public static Duration parseDuration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
      }
      if (value.endsWith("s")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(value.substring(0, value.length() - 1)) * 1000));
      }
      if (value.endsWith("m")) {
        return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)) * 60);
      }
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--duration: not a duration: " + text);
    }
  }

  /** Accepts only the loopback literals, so that no name lookup and no other interface is used. */
  public static InetAddress parseHost(String text) {
    String value =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!value.equals("127.0.0.1") && !value.equals("::1")) {
      throw new IllegalArgumentException("--host must be 127.0.0.1 or ::1, got " + text);
    }
    try {
      return InetAddress.getByName(value);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--host: " + e.getMessage());
    }
  }
}
