package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.stacks.idle.IdleCutoffApp;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.EndpointStats;
import dev.timewait.core.snapshot.PeerIdleTimes;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Jetty server that closes connections idle for 1 s, and a shared OkHttp client and a shared
 * Apache HttpClient that pause 1.6 s between calls, in a child JVM with the agent: the agent reads
 * from the kernel how long each pooled connection sat idle before Jetty's FIN, and the analyzer
 * infers Jetty's cut-off per port and names each library's setting; the stock Prometheus JMX
 * exporter beside the agent publishes the cut-offs.
 */
class IdleCutoffIT {
  private static final long IDLE_MILLIS = 1_000;
  private static final long PAUSE_MILLIS = 1_600;
  private static final int CALLS = 5;
  private static final Path CLASSES =
      Path.of(System.getProperty("stacks.classes", "target/classes"));
  private static final Path CLASSPATH_FILE =
      Path.of(System.getProperty("stacks.classpathFile", "target/case-classpath.txt"));

  private static final Path EXPORTER_JAR =
      Path.of(
          System.getProperty(
              "timewait.exporterJar", "../agent/target/jmx-clients/jmx_prometheus_javaagent.jar"));
  private static final Path PROMETHEUS_DIR =
      Path.of(System.getProperty("timewait.prometheusDir", "../examples/prometheus"));

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void theServersIdleCutoffIsInferredPerPortAndTheClientsSettingNamed(Jdk jdk) throws Exception {
    Assumptions.assumeTrue(
        Files.isReadable(Path.of("/proc/net/tcp")), "tcp_info times are read on Linux only");
    int okhttpPort = freePort();
    int apachePort = freePort();
    Path snapshotFile = dir.resolve("snapshot.json");
    List<Path> classPath = new ArrayList<>(List.of(CLASSES.toAbsolutePath()));
    for (String entry : Files.readString(CLASSPATH_FILE).strip().split(":")) {
      classPath.add(Path.of(entry));
    }
    int exporterPort = freePort();
    String stderr;
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .agent("snapshot=" + snapshotFile + ",jmxDelay=0s")
            .agent(
                EXPORTER_JAR,
                "127.0.0.1:" + exporterPort + ":" + PROMETHEUS_DIR.resolve("jmx-exporter.yaml"))
            .classPath(classPath.toArray(Path[]::new))
            .mainClass(IdleCutoffApp.class)
            .args(
                String.valueOf(okhttpPort),
                String.valueOf(apachePort),
                String.valueOf(IDLE_MILLIS),
                String.valueOf(PAUSE_MILLIS),
                String.valueOf(CALLS),
                "--hold")
            .start()) {
      child.awaitLine("idle-cutoff: calls done");
      for (int port : new int[] {okhttpPort, apachePort}) {
        double seconds = gauge(scrape(exporterPort), "127.0.0.1:" + port);
        assertTrue(
            seconds >= IDLE_MILLIS / 1000.0 && seconds < (IDLE_MILLIS + 400) / 1000.0,
            "timewait_endpoint_server_idle_cutoff_seconds of port " + port + ": " + seconds);
      }
      child.send("stop");
      List<String> out = child.finish(60);
      assertTrue(out.contains("idle-cutoff: " + CALLS + " calls on each client"), out.toString());
      stderr = child.stderr();
    }
    assertFalse(
        stderr.contains("WARNING: A restricted method"), "no native-access warning: " + stderr);
    assertFalse(stderr.contains("timewait:"), "no agent warning: " + stderr);

    Snapshot snapshot = new SnapshotReader().read(snapshotFile);
    for (int port : new int[] {okhttpPort, apachePort}) {
      EndpointStats endpoint = endpoint(snapshot, "127.0.0.1:" + port);
      PeerIdleTimes idle = endpoint.peerIdle();
      assertNotNull(idle, "idle times to port " + port + " on " + jdk + ": " + endpoint);
      // each call after the first found its pooled connection closed by Jetty's idle timeout; a
      // stale connection whose write Jetty acknowledged after its FIN tells no idle time
      assertTrue(
          idle.idleCloses() >= PeerIdleTimes.MIN_IDLE_CLOSES && idle.idleCloses() <= CALLS - 1,
          port + ": " + idle);
      assertEquals(idle.idleCloses(), idle.nearShortest(), "one cluster: " + idle);
      long cutoff = idle.serverCutoffMillis();
      assertTrue(
          cutoff >= IDLE_MILLIS && cutoff < IDLE_MILLIS + 400,
          "Jetty's idle timeout is " + IDLE_MILLIS + " ms; inferred " + cutoff + ": " + idle);
      assertTrue(
          idle.maxMillis() < PAUSE_MILLIS, "idle before the FIN, not until the close: " + idle);
    }
    assertTrue(
        endpoint(snapshot, "127.0.0.1:" + okhttpPort)
            .peerIdle()
            .via()
            .startsWith("com.squareup.okhttp3:"));
    assertTrue(
        endpoint(snapshot, "127.0.0.1:" + apachePort)
            .peerIdle()
            .via()
            .startsWith("org.apache.httpcomponents.client5:"));

    Finding finding =
        new Analyzer(List.of(new dev.timewait.core.rules.ServerIdleCutoffRule()))
                .analyze(
                    new AnalysisInput(
                        null, null, List.of(), List.of(snapshot), List.of(), Thresholds.defaults()))
                .stream()
                .filter(f -> f.id().equals("SERVER_IDLE_CUTOFF"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no SERVER_IDLE_CUTOFF finding"));
    String advice = finding.recommendation();
    assertTrue(advice.contains("For 127.0.0.1:" + okhttpPort + ": OkHttp"), advice);
    assertTrue(advice.contains("keepAliveDuration is 700 ms"), advice);
    assertTrue(advice.contains("For 127.0.0.1:" + apachePort + ": Apache HttpClient"), advice);
    assertTrue(advice.contains("evictIdleConnections(TimeValue) with 700 ms"), advice);
    assertTrue(
        finding.title().contains("127.0.0.1:" + okhttpPort + " after 1.0 s"), finding.title());
    System.out.printf(
        "idle cut-off on %s: %s%n%s%n",
        jdk, finding.title(), String.join("\n", finding.evidence()));
  }

  private static EndpointStats endpoint(Snapshot snapshot, String remote) {
    return snapshot.endpoints().stream()
        .filter(e -> e.remote().equals(remote))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no endpoint " + remote + " in " + snapshot.endpoints()));
  }

  /** The exporter's page, through the real {@code jmx_prometheus_javaagent}. */
  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    return response.body();
  }

  private static double gauge(String page, String remote) {
    String prefix = "timewait_endpoint_server_idle_cutoff_seconds{";
    for (String line : page.split("\n")) {
      if (line.startsWith(prefix) && line.contains("remote=\"" + remote + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no cut-off gauge for " + remote + " in:\n" + page);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
