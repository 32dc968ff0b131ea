package dev.timewait.agent.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped files under {@code examples/prometheus} and the metric names they use. */
final class PrometheusFiles {
  static final Path DIR =
      Path.of(System.getProperty("timewait.prometheusDir", "../examples/prometheus"));
  static final Path EXPORTER_CONFIG = DIR.resolve("jmx-exporter.yaml");
  static final Path ALERTS = DIR.resolve("timewait-alerts.yml");
  static final Path ALERT_TESTS = DIR.resolve("timewait-alerts.test.yml");
  static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");

  private static final Pattern NAME = Pattern.compile("\\btimewait_[a-z_]+");
  private static final Pattern RULE_NAME = Pattern.compile("(?m)^\\s+name: (timewait_[a-z_]+)$");

  private PrometheusFiles() {}

  /** The metric names the exporter configuration produces. */
  static Set<String> exportedNames() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = RULE_NAME.matcher(Files.readString(EXPORTER_CONFIG));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Every {@code timewait_*} name mentioned in a file. */
  static Set<String> namesUsedIn(Path file) throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(Files.readString(file));
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** The path of an executable on the PATH, or null. */
  static Path onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
