package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stock {@code jmx_prometheus_javaagent} 1.0.1 with the shipped configuration, beside the
 * timewait agent in a child JVM: after known traffic its {@code /metrics} page has the expected
 * series, types and labels, and its own scrape connections never count as application closes.
 */
class PrometheusExporterIT {
  static final Path EXPORTER_JAR =
      Path.of(
          System.getProperty(
              "timewait.exporterJar", "target/jmx-clients/jmx_prometheus_javaagent.jar"));
  static final Path PROMETHEUS_DIR =
      Path.of(System.getProperty("timewait.prometheusDir", "../examples/prometheus"));

  /** The child JVM with both agents; the exporter listens on {@code port}. */
  static ChildJvm startWithExporter(Jdk jdk, int port, String agentOptions) throws Exception {
    return ChildJvm.on(jdk)
        .agent(agentOptions)
        .agent(
            EXPORTER_JAR, "127.0.0.1:" + port + ":" + PROMETHEUS_DIR.resolve("jmx-exporter.yaml"))
        .mainClass(LifecycleApp.class)
        .start();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static ExpositionText scrape(HttpClient client, int port) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return new ExpositionText(response.body());
  }

  static ExpositionText awaitScrape(
      HttpClient client, int port, Predicate<ExpositionText> condition, long millis)
      throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    ExpositionText last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        last = scrape(client, port);
        if (condition.test(last)) {
          return last;
        }
      } catch (java.io.IOException e) {
        // the exporter is still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("never matched; last scrape: " + (last == null ? null : last.samples));
  }

  /** A scrape on a connection of its own that the exporter closes first (HTTP/1.0). */
  private static void scrapeAndLetTheExporterClose(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      out.write("GET /metrics HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      while (in.read(new byte[8192]) >= 0) {
        // until the exporter's FIN
      }
    }
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void theStockExporterPublishesTimewaitSeries(Jdk jdk) throws Exception {
    int port = freePort();
    try (ChildJvm child =
        startWithExporter(
            jdk,
            port,
            "jmxDelay=0s,interval=300ms,hostInterval=300ms,tableInterval=500ms,"
                + "thresholds=churnPerMinute=5")) {
      HttpClient client = HttpClient.newHttpClient();
      child.awaitLine("ready");
      child.send("closes 20");
      child.awaitLine("done 20");
      for (int i = 0; i < 3; i++) {
        scrapeAndLetTheExporterClose(port);
      }
      ExpositionText m =
          awaitScrape(
              client,
              port,
              // The ratios appear once a table sample follows the closes: there is no share before.
              t ->
                  !t.find(
                              "timewait_finding_raised_timestamp_seconds",
                              Map.of("id", "CLIENT_CHURN_SITE"))
                          .isEmpty()
                      && t.types.containsKey("timewait_host_confirmed_ratio"),
              20_000);

      assertEquals(
          20, m.value("timewait_closes_total", Map.of("kind", "active", "role", "client")));
      assertEquals(
          20, m.value("timewait_closes_total", Map.of("kind", "passive", "role", "server")));
      assertEquals(
          0,
          m.value("timewait_closes_total", Map.of("kind", "active", "role", "server")),
          "the exporter's own closes are not application closes");
      assertTrue(
          m.value("timewait_agent_internal_closes_total", Map.of()) >= 3,
          "the three HTTP/1.0 scrapes count as internal");
      List<ExpositionText.Sample> client20 =
          m.find("timewait_site_closes_total", Map.of("kind", "active", "role", "client"));
      assertEquals(1, client20.size(), client20.toString());
      Map<String, String> labels = client20.get(0).labels();
      assertEquals(20, client20.get(0).value());
      assertTrue(labels.get("site").contains("LifecycleApp.closeFirst("), labels.toString());
      assertTrue(labels.get("open_site").contains("LifecycleApp.closeFirst("), labels.toString());
      for (ExpositionText.Sample s : m.samples) {
        if (s.name().startsWith("timewait_")) {
          assertFalse(
              s.labels().toString().contains("httpserver"), "exporter socket as a site: " + s);
        }
      }
      for (ExpositionText.Sample s : m.samples) {
        if (s.name().startsWith("timewait_")) {
          for (String label : List.of("kind", "role", "severity")) {
            String value = s.labels().get(label);
            assertTrue(
                value == null || value.equals(value.toLowerCase(Locale.ROOT)),
                "label values in lower case: " + s);
          }
          assertTrue(s.value() >= 0, "no made-up -1 for an unknown value: " + s);
        }
      }
      for (ExpositionText.Sample s : m.find("timewait_endpoint_active_closes_total", Map.of())) {
        assertTrue(s.value() > 0, "an endpoint without active closes is no series: " + s);
      }
      assertEquals(
          Files.exists(Path.of("/proc/sys/net/ipv4/tcp_tw_recycle")),
          m.types.containsKey("timewait_host_tw_recycle"),
          "tcp_tw_recycle is published only by kernels that have it");
      assertEquals(
          1,
          m.find("timewait_endpoint_active_closes_total", Map.of()).stream()
              .filter(s -> s.value() == 20 && s.labels().get("remote").startsWith("127.0.0.1:"))
              .count());
      assertTrue(m.value("timewait_findings", Map.of("severity", "warning")) >= 1);
      assertEquals(0, m.value("timewait_healthy", Map.of()));
      assertEquals(0, m.value("timewait_agent_errors_total", Map.of()));
      if (KernelTcpTable.available()) {
        // Exact matching with the kernel is AgentLifecycleIT's; a host whose tw buckets are full
        // keeps fewer than 20.
        double confirmed = m.value("timewait_host_confirmed_time_wait_sockets", Map.of());
        assertTrue(confirmed >= 0 && confirmed <= 20, "confirmed " + confirmed);
        assertTrue(m.value("timewait_host_time_wait_sockets", Map.of()) >= confirmed);
        // the host figures say which network namespace they are of: this JVM's (the child's)
        String netns =
            Files.readString(Path.of("/proc/sys/kernel/hostname")).strip()
                + "/"
                + Files.readSymbolicLink(Path.of("/proc/" + child.pid() + "/ns/net"))
                    .toString()
                    .replaceAll("\\D", "");
        assertEquals(
            1,
            m.value("timewait_host_network_namespace", Map.of("netns", netns)),
            m.samples.toString());
      }

      assertEquals("counter", m.types.get("timewait_closes_total"));
      assertEquals("counter", m.types.get("timewait_site_closes_total"));
      assertEquals("gauge", m.types.get("timewait_host_time_wait_sockets"));
      assertEquals("gauge", m.types.get("timewait_findings"));
      assertTrue(
          m.help.get("timewait_host_time_wait_sockets").startsWith("TIME_WAIT sockets on the host"),
          m.help.get("timewait_host_time_wait_sockets"));
      for (Map.Entry<String, String> type : m.types.entrySet()) {
        if (type.getKey().startsWith("timewait_")) {
          assertEquals(
              type.getValue().equals("counter"),
              type.getKey().endsWith("_total"),
              "counters and only counters end in _total: " + type);
        }
      }
      for (String name : EXPECTED) {
        assertTrue(m.types.containsKey(name), "missing " + name);
      }
      child.send("exit");
      child.finish(30);
    }
  }

  /**
   * The metrics present in every scrape once the host is sampled; those keyed by a host row
   * (destination, listening port, owning site) appear with their rows, and {@code
   * timewait_host_tw_recycle} only on kernels that have the setting.
   */
  static final List<String> EXPECTED =
      List.of(
          "timewait_closes_total",
          "timewait_site_closes_total",
          "timewait_site_estimated_closes_total",
          "timewait_sites_sampled_out_total",
          "timewait_resets_after_fin_total",
          "timewait_endpoint_active_closes_total",
          "timewait_close_wait_connections",
          "timewait_tracked_connections",
          "timewait_host_time_wait_sockets",
          "timewait_host_close_wait_sockets",
          "timewait_host_confirmed_time_wait_sockets",
          "timewait_host_confirmed_ratio",
          "timewait_host_owned_ratio",
          "timewait_host_time_wait_overflows_total",
          "timewait_host_max_time_wait_buckets",
          "timewait_host_table_sample_seconds",
          "timewait_findings",
          "timewait_healthy",
          "timewait_finding_raised_timestamp_seconds",
          "timewait_findings_runs_total",
          "timewait_findings_run_seconds",
          "timewait_agent_errors_total",
          "timewait_agent_site_overflow_closes_total",
          "timewait_agent_endpoint_overflow_closes_total",
          "timewait_agent_recent_close_overflows_total",
          "timewait_agent_internal_closes_total");
}
