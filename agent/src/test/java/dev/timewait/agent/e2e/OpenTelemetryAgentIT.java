package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shipped JMX metric rules ({@code examples/opentelemetry/timewait-jmx-metrics.yaml}) in the
 * real OpenTelemetry Java agent from Maven Central, loaded beside timewait in a child JVM: its
 * {@code logging-otlp} exporter prints {@code timewait.closes} with the kind and role attributes
 * and the counts of the connections the child made, and the host metrics.
 */
class OpenTelemetryAgentIT {
  static final Path OTEL_AGENT =
      Path.of(
          System.getProperty(
              "timewait.otelAgentJar", "target/jmx-clients/opentelemetry-javaagent.jar"));
  static final Path RULES =
      Path.of(System.getProperty("timewait.otelDir", "../examples/opentelemetry"))
          .resolve("timewait-jmx-metrics.yaml");

  private static final String EXPORT_LINE = "OtlpJsonLoggingMetricExporter - ";

  static List<Path> javas() {
    return Jdk.all().stream().map(jdk -> jdk.home().resolve("bin/java")).toList();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void metricsWithTheirAttributes(Path java) throws Exception {
    try (ChildJvm child =
        ChildJvm.on(new Jdk(java.getParent().getParent()))
            .jvmArgs(
                List.of(
                    "-javaagent:" + OTEL_AGENT,
                    "-javaagent:" + ChildJvm.agentJar() + "=jmxDelay=0s,interval=500ms",
                    "-Dotel.jmx.config=" + RULES,
                    "-Dotel.metrics.exporter=logging-otlp",
                    "-Dotel.traces.exporter=none",
                    "-Dotel.logs.exporter=none",
                    "-Dotel.metric.export.interval=1000",
                    "-Dotel.jmx.discovery.delay=500"))
            .mainClass(LifecycleApp.class)
            .args(List.of())
            .start()) {
      child.awaitLine("ready");
      child.send("closes 20");
      child.awaitLine("done 20");
      long deadline = System.currentTimeMillis() + 60_000;
      Map<String, Long> closes = Map.of();
      Map<String, Long> sites = Map.of();
      boolean hostMetric = false;
      while (System.currentTimeMillis() < deadline) {
        Map<String, Long> seen = new HashMap<>();
        Map<String, Long> seenSites = new HashMap<>();
        for (JsonNode metric : timewaitMetrics(child.stderr())) {
          String name = metric.get("name").asText();
          hostMetric |= name.equals("timewait.host.time_wait.sockets");
          if (name.equals("timewait.closes")) {
            for (JsonNode point : metric.get("sum").get("dataPoints")) {
              seen.merge(attributes(point), point.get("asInt").asLong(), Math::max);
            }
          } else if (name.equals("timewait.site.closes")) {
            for (JsonNode point : metric.get("sum").get("dataPoints")) {
              seenSites.merge(
                  attributes(point) + " " + attribute(point, "code.site"),
                  point.get("asInt").asLong(),
                  Math::max);
            }
          }
        }
        closes = seen;
        sites = seenSites;
        if (closes.getOrDefault("active/client", 0L) >= 20
            && closes.getOrDefault("passive/server", 0L) >= 20
            && activeClientSite(sites) >= 20
            && hostMetric) {
          break;
        }
        Thread.sleep(500);
      }
      assertTrue(
          closes.getOrDefault("active/client", 0L) >= 20,
          "timewait.closes by kind/role: " + closes);
      assertTrue(closes.getOrDefault("passive/server", 0L) >= 20, closes.toString());
      assertTrue(closes.containsKey("abortive/unknown"), "every kind and role: " + closes);
      assertTrue(hostMetric, "timewait.host.time_wait.sockets exported");
      assertEquals(
          20, activeClientSite(sites), "timewait.site.closes by kind/role and code.site: " + sites);
      child.send("exit");
      child.finish(60);
    }
  }

  /** The timewait metrics of every export the logging-otlp exporter printed so far. */
  private static List<JsonNode> timewaitMetrics(String stderr) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> metrics = new java.util.ArrayList<>();
    for (String line : stderr.split("\n")) {
      int at = line.indexOf(EXPORT_LINE);
      if (at < 0) {
        continue;
      }
      JsonNode export = json.readTree(line.substring(at + EXPORT_LINE.length()));
      for (JsonNode scope : export.get("scopeMetrics")) {
        for (JsonNode metric : scope.get("metrics")) {
          if (metric.get("name").asText().startsWith("timewait.")) {
            metrics.add(metric);
          }
        }
      }
    }
    return metrics;
  }

  /** The active client closes of the site in {@code LifecycleApp.closeFirst}. */
  private static long activeClientSite(Map<String, Long> sites) {
    long sum = 0;
    for (Map.Entry<String, Long> e : sites.entrySet()) {
      if (e.getKey().startsWith("active/client dev.timewait.agent.e2e.LifecycleApp.closeFirst(")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  /** A point's string attribute {@code key}, or null. */
  private static String attribute(JsonNode point, String key) {
    for (JsonNode attribute : point.get("attributes")) {
      if (attribute.get("key").asText().equals(key)) {
        return attribute.get("value").get("stringValue").asText();
      }
    }
    return null;
  }

  /** {@code kind/role} from a point's {@code timewait.kind} and {@code timewait.role}. */
  private static String attributes(JsonNode point) {
    String kind = "?";
    String role = "?";
    for (JsonNode attribute : point.get("attributes")) {
      String value = attribute.get("value").get("stringValue").asText();
      if (attribute.get("key").asText().equals("timewait.kind")) {
        kind = value;
      } else if (attribute.get("key").asText().equals("timewait.role")) {
        role = value;
      }
    }
    return kind + "/" + role;
  }
}
