package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code report --prometheus} against a stand-in for the query API with a fleet of two JVMs. */
class PrometheusReportTest {
  private static final String BILLING =
      "\"site\":\"com.acme.Billing.call(Billing.java:42)\","
          + "\"open_site\":\"com.acme.Billing.connect(Billing.java:30)\"";
  private static final String AUDIT =
      "\"site\":\"com.acme.Audit.send(Audit.java:9)\",\"open_site\":\"com.acme.Audit.open(Audit.java:5)\"";

  private HttpServer server;
  private final Map<String, Integer> queries = new HashMap<>();
  private final List<Double> times = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/v1/query",
        exchange -> {
          Map<String, String> params = new HashMap<>();
          for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
          }
          String query = params.get("query");
          // The start of the window is asked as the counters less their increase.
          boolean start = query.startsWith("clamp_min(");
          times.add(Double.parseDouble(params.get("time")));
          if (start) {
            query = query.substring("clamp_min(".length(), query.indexOf(' '));
          }
          queries.merge(query, 1, Integer::sum);
          byte[] body = answer(query, start).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static String answer(String query, boolean start) {
    String rows =
        switch (query) {
          case "timewait_site_closes_total" ->
              row(
                      "web-1:9404",
                      BILLING + ",\"kind\":\"active\",\"role\":\"client\"",
                      start ? 1000 : 3000)
                  + ","
                  + row(
                      "web-2:9404",
                      AUDIT + ",\"kind\":\"active\",\"role\":\"client\"",
                      start ? 10 : 20);
          case "timewait_closes_total" ->
              row("web-1:9404", "\"kind\":\"active\",\"role\":\"client\"", start ? 1000 : 3000)
                  + ","
                  + row("web-2:9404", "\"kind\":\"active\",\"role\":\"client\"", start ? 10 : 20);
          case "timewait_finding_raised_timestamp_seconds" ->
              row(
                  "web-1:9404",
                  "\"id\":\"PORT_EXHAUSTION_RISK\",\"severity\":\"critical\"",
                  1795536000);
          default -> "";
        };
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + rows
        + "]}}";
  }

  private static String row(String instance, String labels, double value) {
    return "{\"metric\":{\"instance\":\""
        + instance
        + "\",\"job\":\"app\","
        + labels
        + "},\"value\":[1795536000.0,\""
        + value
        + "\"]}";
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void aFleetReportNamesTheBusiestSiteAndTheAgentsFindings() throws Exception {
    CliRun run = CliRun.of("report", "--prometheus", url(), "--format", "json");
    assertEquals(0, run.code(), run.err());
    JsonNode report = new ObjectMapper().readTree(run.out());
    assertTrue(report.get("host").isNull(), "no host is sampled");
    JsonNode top = report.get("sites").get(0);
    assertEquals("com.acme.Billing.call(Billing.java:42)", top.get("site").asText());
    assertEquals(400, top.get("activePerMinute").asDouble(), 1, "2000 closes in 5 minutes");
    assertEquals("web-1:9404 (app)", top.at("/jvm/label").asText());
    StringBuilder ids = new StringBuilder();
    for (JsonNode f : report.get("findings")) {
      ids.append(f.get("id").asText()).append(' ');
    }
    assertTrue(ids.toString().startsWith("PORT_EXHAUSTION_RISK CLIENT_CHURN_SITE"), ids.toString());
    assertTrue(run.out().contains("web-1:9404 (app): critical since 2026-"), run.out());
    assertEquals(2, report.get("jvms").size());
    assertEquals(2, queries.get("timewait_site_closes_total"), "at the end and the start");
    for (double time : times) {
      assertEquals(Instant.now().getEpochSecond(), time, 60, "every query is evaluated now");
    }
  }

  @Test
  void theMarkdownReportLeadsWithTheFleetSource() {
    CliRun run = CliRun.of("report", "--prometheus", url(), "--duration", "10m");
    assertEquals(0, run.code(), run.err());
    assertTrue(
        run.out().contains("Prometheus " + url() + ": 2 JVM(s), rates over 600 s"), run.out());
    assertTrue(run.out().contains("com.acme.Billing.call(Billing.java:42)"), run.out());
  }

  @Test
  void anUnreachableServerIsOneLineAndExitTwo() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CliRun run = CliRun.of("report", "--prometheus", "http://127.0.0.1:" + port);
    assertEquals(Main.EXIT_USAGE, run.code());
    assertTrue(run.errLine().contains("cannot reach Prometheus"), run.err());
  }
}
