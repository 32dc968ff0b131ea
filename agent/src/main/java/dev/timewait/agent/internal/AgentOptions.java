package dev.timewait.agent.internal;

import dev.timewait.core.rules.Thresholds;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's options: {@code key=value} pairs separated by commas, e.g. {@code
 * snapshot=/tmp/tw.json,interval=10s,maxSites=500}. Parsing is strict: an unknown key or a bad
 * value is an {@link IllegalArgumentException} whose message names it, and the agent then stays
 * off.
 */
public final class AgentOptions {
  /** Longest option string accepted; anything longer is refused rather than parsed. */
  static final int MAX_LENGTH = 8192;

  /**
   * Packages of libraries, for classes whose jar carries no Maven metadata (or that are shaded into
   * the main jar); most libraries are recognised by their jar's metadata instead.
   */
  static final List<String> DEFAULT_EXCLUDES =
      List.of(
          "org.apache.hc.",
          "org.apache.http.",
          "okhttp3.",
          "okio.",
          "io.netty.",
          "reactor.netty.",
          "io.grpc.",
          "org.eclipse.jetty.",
          "io.undertow.",
          "org.apache.catalina.",
          "org.apache.coyote.",
          "org.apache.tomcat.",
          "org.postgresql.",
          "com.mysql.",
          "org.mariadb.jdbc.",
          "com.zaxxer.hikari.",
          "redis.clients.",
          "io.lettuce.",
          "org.springframework.boot.loader.");

  private static final List<String> KEYS =
      List.of(
          "snapshot",
          "interval",
          "maxSites",
          "maxEndpoints",
          "exclude",
          "appPackages",
          "stackDepth",
          "siteRate",
          "recentCloses",
          "jmx",
          "jmxDelay",
          "closeWaitAfter",
          "host",
          "hostRoot",
          "hostInterval",
          "tableInterval",
          "thresholds");

  public final Path snapshot;
  public final Duration interval;
  final int maxSites;
  final int maxEndpoints;
  final List<String> exclude;
  final List<String> appPackages;
  final int stackDepth;
  final int siteRate;
  final int recentCloses;
  public final boolean jmx;
  final Duration jmxDelay;
  final Duration closeWaitAfter;
  final boolean host;
  final Path hostRoot;
  final Duration hostInterval;
  final Duration tableInterval;
  final Thresholds thresholds;
  private final Map<String, String> given;

  private AgentOptions(Map<String, String> given) {
    this.given = given;
    snapshot = given.containsKey("snapshot") ? path("snapshot", given.get("snapshot")) : null;
    interval = duration("interval", given.getOrDefault("interval", "10s"), Duration.ofMillis(100));
    maxSites = integer("maxSites", given.getOrDefault("maxSites", "1000"), 1, 1_000_000);
    maxEndpoints =
        integer("maxEndpoints", given.getOrDefault("maxEndpoints", "1000"), 1, 1_000_000);
    stackDepth = integer("stackDepth", given.getOrDefault("stackDepth", "8"), 1, 64);
    siteRate = integer("siteRate", given.getOrDefault("siteRate", "1000"), 0, 10_000_000);
    recentCloses =
        integer("recentCloses", given.getOrDefault("recentCloses", "131072"), 16, 4_194_304);
    jmx = bool("jmx", given.getOrDefault("jmx", "true"));
    jmxDelay = duration("jmxDelay", given.getOrDefault("jmxDelay", "1s"), Duration.ZERO);
    closeWaitAfter =
        duration("closeWaitAfter", given.getOrDefault("closeWaitAfter", "30s"), Duration.ZERO);
    host = bool("host", given.getOrDefault("host", "true"));
    hostRoot = path("hostRoot", given.getOrDefault("hostRoot", "/"));
    hostInterval =
        duration("hostInterval", given.getOrDefault("hostInterval", "15s"), Duration.ofMillis(100));
    tableInterval =
        duration(
            "tableInterval", given.getOrDefault("tableInterval", "60s"), Duration.ofMillis(100));
    thresholds = thresholds(given.getOrDefault("thresholds", ""));
    List<String> excludes = new ArrayList<>(DEFAULT_EXCLUDES);
    if (given.containsKey("exclude")) {
      for (String prefix : given.get("exclude").split(";")) {
        if (!prefix.isBlank()) {
          excludes.add(prefix.trim());
        }
      }
    }
    exclude = List.copyOf(excludes);
    appPackages = prefixes(given.getOrDefault("appPackages", ""));
  }

  private static List<String> prefixes(String value) {
    List<String> out = new ArrayList<>();
    for (String prefix : value.split(";")) {
      if (!prefix.isBlank()) {
        out.add(prefix.trim());
      }
    }
    return List.copyOf(out);
  }

  /** Parses an option string; null or empty means all defaults. */
  public static AgentOptions parse(String text) {
    Map<String, String> given = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return new AgentOptions(given);
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("options longer than " + MAX_LENGTH + " characters");
    }
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("option '" + printable(pair) + "' is not key=value");
      }
      String key = pair.substring(0, eq).trim();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option '" + printable(key) + "' (known: " + String.join(", ", KEYS) + ")");
      }
      if (given.put(key, pair.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("option '" + key + "' given twice");
      }
    }
    return new AgentOptions(given);
  }

  /** The options as given, for the Agent MBean. */
  public Map<String, String> given() {
    return given;
  }

  static Duration parseDuration(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "option '" + key + "': '" + printable(value) + "' is not a duration like 10s or 500ms");
    }
  }

  private static Duration duration(String key, String value, Duration min) {
    Duration d = parseDuration(key, value);
    if (d.compareTo(min) < 0 || d.toDays() > 1) {
      throw new IllegalArgumentException(
          "option '" + key + "': " + printable(value) + " is out of range");
    }
    return d;
  }

  private static int integer(String key, String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option '" + key + "': '" + printable(value) + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "option '" + key + "': " + n + " is out of range " + min + ".." + max);
    }
    return n;
  }

  private static boolean bool(String key, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(
        "option '" + key + "': '" + printable(value) + "' is not true or false");
  }

  /** {@code churnPerMinute=10;portWarn=0.4}: the analyzer's thresholds for the Findings MBean. */
  private static Thresholds thresholds(String value) {
    Thresholds thresholds = Thresholds.defaults();
    for (String pair : value.split(";")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "option 'thresholds': '" + printable(pair) + "' is not name=value");
      }
      try {
        thresholds = thresholds.with(pair.substring(0, eq), pair.substring(eq + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("option 'thresholds': " + printable(e.getMessage()));
      }
    }
    return thresholds;
  }

  private static Path path(String key, String value) {
    try {
      if (value.isEmpty()) {
        throw new InvalidPathException(value, "empty");
      }
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "option '" + key + "': '" + printable(value) + "' is not a file path");
    }
  }

  /** Keeps error lines to one short printable line whatever the input. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 60; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 60 ? out + "..." : out.toString();
  }
}
