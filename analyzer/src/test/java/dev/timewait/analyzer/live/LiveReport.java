package dev.timewait.analyzer.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.NetNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged command line's JSON report on one network namespace: {@code timewait report} run
 * inside it with {@code nsenter}, so that it reads that namespace's {@code /proc/net} and {@code
 * /proc/sys/net} as it reads a host's.
 *
 * @param json the report
 * @param startedMillis wall clock when the command started
 */
record LiveReport(JsonNode json, long startedMillis) {

  /** The command line jar the build packaged (failsafe runs after {@code package}). */
  static final Path JAR = Path.of("target", "timewait.jar").toAbsolutePath();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Runs {@code timewait report --format json --duration WINDOW} in {@code namespace}. */
  static LiveReport of(NetNamespace namespace, String window)
      throws IOException, InterruptedException {
    long started = System.currentTimeMillis();
    try (ChildJvm cli = cli(namespace, "report", "--format", "json", "--duration", window)) {
      int exit = cli.waitFor(120);
      String out = String.join("\n", cli.stdout());
      if (exit != 0 && exit != 1) {
        throw new IllegalStateException(
            "timewait report exited " + exit + ": " + cli.stderr() + "\n" + out);
      }
      return new LiveReport(MAPPER.readTree(out), started);
    }
  }

  /**
   * With {@code -Dtimewait.captureTrees=DIR}, writes {@code DIR/NAME.tar.gz}: {@code timewait
   * capture} run inside {@code namespace}, the tree a report there reads. The trees under {@code
   * src/test/resources/captured} were made so ({@code CapturedTreesTest} replays them); without the
   * property, nothing is written.
   */
  static void captureIfAsked(NetNamespace namespace, String name)
      throws IOException, InterruptedException {
    String dir = System.getProperty("timewait.captureTrees");
    if (dir == null || dir.isBlank()) {
      return;
    }
    Path archive = Path.of(dir).toAbsolutePath().resolve(name + ".tar.gz");
    try (ChildJvm cli = cli(namespace, "capture", "-o", archive.toString())) {
      if (cli.waitFor(60) != 0) {
        throw new IllegalStateException("timewait capture failed: " + cli.stderr());
      }
    }
  }

  /** The packaged command line started inside {@code namespace} with {@code args}. */
  private static ChildJvm cli(NetNamespace namespace, String... args) throws IOException {
    return ChildJvm.builder()
        .launcher(namespace.launcher())
        .jvmArgs("-XX:TieredStopAtLevel=1", "-Xmx128m")
        .classPath(JAR)
        .mainClass("dev.timewait.analyzer.cli.Main")
        .args(args)
        .timeout(Duration.ofSeconds(120))
        .start();
  }

  /** When the report was made, after its last sample. */
  long generatedMillis() {
    return Instant.parse(json.get("generatedAt").asText()).toEpochMilli();
  }

  /** The finding {@code id}, or null when the report has none. */
  JsonNode finding(String id) {
    for (JsonNode finding : json.get("findings")) {
      if (id.equals(finding.get("id").asText())) {
        return finding;
      }
    }
    return null;
  }

  /** The ids of every finding, for messages and the figures. */
  List<String> findingIds() {
    List<String> ids = new ArrayList<>();
    for (JsonNode finding : json.get("findings")) {
      ids.add(finding.get("id").asText() + " " + finding.get("severity").asText());
    }
    return ids;
  }

  /** The evidence lines of finding {@code id}, empty when it is absent. */
  List<String> evidence(String id) {
    List<String> lines = new ArrayList<>();
    JsonNode finding = finding(id);
    if (finding != null) {
      for (JsonNode line : finding.get("evidence")) {
        lines.add(line.asText());
      }
    }
    return lines;
  }

  /** The host's client destination group to {@code remote} ({@code ip:port}), or null. */
  JsonNode destination(String remote) {
    for (JsonNode use : host().get("destinations")) {
      if (remote.equals(use.get("remote").asText())) {
        return use;
      }
    }
    return null;
  }

  /** The sampled host. */
  JsonNode host() {
    return json.get("host");
  }

  @Override
  public String toString() {
    return json.toPrettyString();
  }
}
