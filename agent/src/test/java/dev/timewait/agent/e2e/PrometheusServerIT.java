package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes a child JVM that runs both agents: its query API returns the
 * timewait series, every dashboard query runs, and {@code timewait report --prometheus} turns it
 * into a fleet report that names the site.
 */
class PrometheusServerIT {
  private static final Path ANALYZER_JAR =
      Path.of(System.getProperty("timewait.analyzerJar", "../analyzer/target/timewait.jar"));

  @Test
  void prometheusScrapesTheAgentAndTheFleetReportNamesTheSite(@TempDir Path dir) throws Exception {
    Path prometheus = PrometheusFiles.onPath("prometheus");
    Assumptions.assumeTrue(
        prometheus != null, "prometheus not installed (Debian package prometheus): skipped");
    int exporterPort = PrometheusExporterIT.freePort();
    int prometheusPort = PrometheusExporterIT.freePort();
    Files.writeString(
        dir.resolve("prometheus.yml"),
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  scrape_timeout: 1s\n"
            + "  evaluation_interval: 1s\n"
            + "rule_files: ['"
            + PrometheusFiles.ALERTS.toAbsolutePath()
            + "']\n"
            + "scrape_configs:\n"
            + "  - job_name: app\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + exporterPort
            + "']\n");
    Process server = null;
    try (ChildJvm child =
        PrometheusExporterIT.startWithExporter(
            Jdk.current(),
            exporterPort,
            "jmxDelay=0s,interval=300ms,hostInterval=300ms,tableInterval=500ms,"
                + "thresholds=churnPerMinute=5")) {
      server =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + prometheusPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();
      child.awaitLine("ready");
      String api = "http://127.0.0.1:" + prometheusPort;
      HttpClient client = HttpClient.newHttpClient();
      // Scraped before the traffic and for longer than the report's window, as in production.
      awaitOne(
          client, api, "timewait_closes_total{kind=\"active\",role=\"client\"} == 0", 60_000, dir);
      long firstScrape = System.currentTimeMillis();
      Thread.sleep(8000);
      child.send("closes 20");
      child.awaitLine("done 20");
      JsonNode site =
          awaitOne(
              client,
              api,
              "timewait_site_closes_total{kind=\"active\",role=\"client\"} == 20",
              60_000,
              dir);
      JsonNode labels = site.get("metric");
      assertEquals("app", labels.get("job").asText());
      assertEquals("127.0.0.1:" + exporterPort, labels.get("instance").asText());
      assertTrue(
          labels.get("site").asText().contains("LifecycleApp.closeFirst("), labels.toString());
      awaitOne(
          client,
          api,
          "timewait_finding_raised_timestamp_seconds{id=\"CLIENT_CHURN_SITE\"}",
          30_000,
          dir);

      JsonNode dashboard = new ObjectMapper().readTree(PrometheusFiles.DASHBOARD.toFile());
      for (JsonNode panel : dashboard.get("panels")) {
        String expr =
            panel
                .get("targets")
                .get(0)
                .get("expr")
                .asText()
                .replace("$__rate_interval", "1m")
                .replace("$instance", ".*");
        JsonNode answer = query(client, api, expr);
        assertEquals("success", answer.get("status").asText(), expr + ": " + answer);
      }

      // The report's window starts a second after the first scrape: before the traffic even when
      // the report's own JVM takes seconds to start on a busy machine.
      long window = (System.currentTimeMillis() - firstScrape) / 1000 - 1;
      List<String> command = new ArrayList<>();
      command.add(Jdk.current().java().toString());
      command.addAll(
          List.of(
              "-jar",
              ANALYZER_JAR.toString(),
              "report",
              "--prometheus",
              api,
              "--duration",
              window + "s",
              "--threshold",
              "churnPerMinute=5",
              "--format",
              "json"));
      Process report =
          new ProcessBuilder(command).redirectError(dir.resolve("err").toFile()).start();
      String out = new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(report.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, report.exitValue(), out + Files.readString(dir.resolve("err")));
      JsonNode json = new ObjectMapper().readTree(out);
      JsonNode top = json.get("sites").get(0);
      assertTrue(top.get("site").asText().contains("LifecycleApp.closeFirst("), top.toString());
      assertEquals("127.0.0.1:" + exporterPort + " (app)", top.get("jvm").get("label").asText());
      assertTrue(top.get("activePerMinute").asDouble() >= 5, top.toString());
      assertTrue(json.toString().contains("\"id\":\"CLIENT_CHURN_SITE\""), out);
      child.send("exit");
      child.finish(30);
    } finally {
      if (server != null) {
        server.destroy();
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
  }

  private static JsonNode query(HttpClient client, String api, String expr) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api
                            + "/api/v1/query?query="
                            + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  /** Waits until {@code expr} returns exactly one series, and returns it. */
  private static JsonNode awaitOne(
      HttpClient client, String api, String expr, long millis, Path dir) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        last = query(client, api, expr);
        JsonNode result = last.path("data").path("result");
        if (result.size() == 1) {
          return result.get(0);
        }
      } catch (java.io.IOException e) {
        // Prometheus is still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        expr
            + " never gave one series; last: "
            + last
            + "\n"
            + Files.readString(dir.resolve("prometheus.log")));
  }
}
