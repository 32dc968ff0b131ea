package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.KernelTcpTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --all-netns} on two network namespaces the test makes ({@code ip netns add}, only
 * loopback up, no route out): in one a Python client churns to a server, in the other a JVM with
 * the agent does. Each namespace's owners add up exactly to its own kernel table, read with {@code
 * ip netns exec NS cat /proc/net/tcp}; the Python client is estimated by its destination and named,
 * the JVM's site is exact; each namespace shows its own {@code tcp_tw_reuse}.
 */
class AllNetnsOwnersIT {

  private static final int PORT = 18080;
  private static final int CLOSES = 200;

  @TempDir Path dir;

  private final String suffix = Integer.toHexString(new Random().nextInt(0x10000));
  private final String nsPython = "tw-own-py-" + suffix;
  private final String nsJava = "tw-own-jv-" + suffix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void removeNamespaces() throws Exception {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    for (String ns : namespaces) {
      run("ip", "netns", "del", ns);
    }
  }

  @Test
  void everyTimeWaitSocketOfEachNamespaceHasAnOwnerAndTheyAddUpToItsKernelTable() throws Exception {
    assumeTrue(RootUser.isRoot(), "needs root for network namespaces (CI runs as root): skipped");
    for (String tool : List.of("ip", "nsenter", "python3")) {
      assumeTrue(onPath(tool), "needs " + tool + " (iproute2, util-linux, python3): skipped");
    }
    assumeTrue(
        Files.isRegularFile(ChildJvm.agentJar()),
        "needs the agent jar (mvn -pl agent -am package): skipped");
    Path script = dir.resolve("churn.py");
    try (InputStream in = getClass().getResourceAsStream("/owners/churn.py")) {
      Files.copy(in, script);
    }
    namespace(nsPython, 0);
    // a small port range in one namespace only: 201 of its 300 ports in use is a finding there
    run(
        "ip",
        "netns",
        "exec",
        nsPython,
        "sysctl",
        "-q",
        "-w",
        "net.ipv4.ip_local_port_range=40000 40299");
    namespace(nsJava, 1);

    awaitLine(start(nsPython, "python3", script.toString(), "server", "" + PORT), "listening");
    awaitLine(start(nsJava, "python3", script.toString(), "server", "" + PORT), "listening");
    Process python =
        start(nsPython, "python3", script.toString(), "client", "" + PORT, "" + CLOSES);
    Path snapshot = dir.resolve("jvm.json");
    try (ChildJvm jvm =
        ChildJvm.builder()
            .launcher("ip", "netns", "exec", nsJava)
            .agent("snapshot=" + snapshot + ",interval=1s")
            .mainClass(OwnersChurnClient.class)
            .args("" + PORT, "" + CLOSES)
            .start()) {
      jvm.awaitLine("done");
      awaitLine(python, "done");
      awaitRecentCloses(snapshot, CLOSES);

      long pythonTimeWait = kernelTimeWait(nsPython);
      long javaTimeWait = kernelTimeWait(nsJava);
      CliRun run =
          CliRun.of(
              "report", "--all-netns", "--format", "json", "-d", "0", "--snapshot", "" + snapshot);
      assertEquals(pythonTimeWait, kernelTimeWait(nsPython), "the table moved during the run");
      assertEquals(javaTimeWait, kernelTimeWait(nsJava), "the table moved during the run");

      assertEquals(0, run.code(), run.err());
      JsonNode report = new ObjectMapper().readTree(run.out());
      assertEquals(List.of(), schemaErrors(report));
      long pythonNetns = netnsOf(python.pid());
      long javaNetns = netnsOf(jvm.pid());

      assertTrue(pythonTimeWait > 0 && javaTimeWait > 0, pythonTimeWait + " " + javaTimeWait);
      assertEquals(pythonTimeWait, namespace(report, pythonNetns).get("timeWait").asLong());
      assertEquals(pythonTimeWait, ownedIn(report, pythonNetns, null));
      JsonNode client = owners(report, pythonNetns).get(0);
      assertEquals("process", client.get("kind").asText(), client.toString());
      assertEquals(python.pid(), client.get("pid").asLong());
      assertEquals("python3", client.get("name").asText());
      assertFalse(client.get("exact").asBoolean());
      assertEquals(pythonTimeWait, client.get("timeWait").asLong(), client.toString());
      assertEquals(
          "holds a socket to 127.0.0.1:" + PORT + " from 127.0.0.1 (now)",
          client.get("evidence").asText());

      assertEquals(javaTimeWait, namespace(report, javaNetns).get("timeWait").asLong());
      assertEquals(javaTimeWait, ownedIn(report, javaNetns, null));
      assertEquals(javaTimeWait, ownedIn(report, javaNetns, "jvm-site"), report.toString());
      JsonNode site = owners(report, javaNetns).get(0);
      assertEquals(jvm.pid(), site.get("pid").asLong());
      assertTrue(site.get("exact").asBoolean());
      assertTrue(site.get("site").asText().contains("OwnersChurnClient.main"), site.toString());

      // each namespace's sysctls are its own, read inside it
      assertEquals(
          0, namespace(report, pythonNetns).get("settings").get("net.ipv4.tcp_tw_reuse").asInt());
      assertEquals(
          1, namespace(report, javaNetns).get("settings").get("net.ipv4.tcp_tw_reuse").asInt());
      assertEquals(
          "40000 40299",
          namespace(report, pythonNetns)
              .get("settings")
              .get("net.ipv4.ip_local_port_range")
              .asText());
      // and so are its findings: the port range is nearly spent in the Python client's namespace
      assertTrue(
          findingIds(namespace(report, pythonNetns)).contains("PORT_EXHAUSTION_RISK"),
          namespace(report, pythonNetns).toString());
      assertFalse(findingIds(namespace(report, javaNetns)).contains("PORT_EXHAUSTION_RISK"));

      CliRun markdown = CliRun.of("report", "--all-netns", "-d", "0", "--snapshot", "" + snapshot);
      assertEquals(0, markdown.code(), markdown.err());
      String firstTable =
          markdown.out().lines().filter(l -> l.startsWith("| ")).findFirst().orElse("");
      assertEquals(
          "| Owner | Network namespace | TIME_WAIT | Share | How it was known |", firstTable);
      assertTrue(markdown.out().contains("| python3 (pid " + python.pid() + ") | net:"));
      assertTrue(markdown.out().contains("| `PORT_EXHAUSTION_RISK` |"), markdown.out());
      jvm.send("stop");
    }
  }

  @Test
  void allNetnsWithoutAHostToReadIsAUsageError() {
    CliRun run = CliRun.of("report", "--all-netns", "--no-host", "--snapshot", "x.json");
    assertEquals(Main.EXIT_USAGE, run.code());
    assertTrue(run.errLine().contains("--all-netns reads this host"), run.err());
  }

  @Test
  void rootIsTheEffectiveUidNotTheRealOne() {
    assertTrue(RootUser.isRoot("Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n"));
    assertFalse(RootUser.isRoot("Name:\tjava\nUid:\t0\t1000\t1000\t1000\n"));
    assertFalse(RootUser.isRoot("Name:\tjava\n"));
  }

  private void namespace(String name, int twReuse) throws Exception {
    run("ip", "netns", "add", name);
    namespaces.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    run("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=" + twReuse);
  }

  private Process start(String ns, String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    Process process =
        new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(process);
    return process;
  }

  private static void awaitLine(Process process, String line) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String read;
    while ((read = out.readLine()) != null) {
      if (read.equals(line)) {
        return;
      }
    }
    throw new IOException("process " + process.pid() + " ended before it printed " + line);
  }

  /** Waits for the agent's snapshot to hold {@code count} recent closes (it writes every 1 s). */
  private static void awaitRecentCloses(Path snapshot, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int seen = -1;
    while (System.nanoTime() < deadline) {
      if (Files.exists(snapshot)) {
        try {
          seen = new SnapshotReader().read(snapshot).recentActiveCloses().size();
          if (seen >= count) {
            return;
          }
        } catch (SnapshotException e) {
          // being replaced: read it again
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the snapshot holds " + seen + " of " + count + " recent closes");
  }

  private static long kernelTimeWait(String ns) throws Exception {
    String text = run("ip", "netns", "exec", ns, "cat", "/proc/net/tcp", "/proc/net/tcp6");
    return KernelTcpTable.parse(text).stream()
        .filter(row -> row.state() == KernelTcpTable.TIME_WAIT)
        .count();
  }

  private static long netnsOf(long pid) throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
    return Long.parseLong(link.substring("net:[".length(), link.length() - 1));
  }

  private static JsonNode namespace(JsonNode report, long netns) {
    for (JsonNode ns : report.get("namespaces")) {
      if (ns.get("netns").asLong() == netns) {
        return ns;
      }
    }
    throw new AssertionError("no namespace " + netns + " in " + report.get("namespaces"));
  }

  private static List<String> findingIds(JsonNode namespace) {
    List<String> ids = new ArrayList<>();
    namespace.get("findings").forEach(f -> ids.add(f.get("id").asText()));
    return ids;
  }

  private static List<JsonNode> owners(JsonNode report, long netns) {
    List<JsonNode> owners = new ArrayList<>();
    for (JsonNode owner : report.get("owners")) {
      if (owner.get("netns").asLong() == netns) {
        owners.add(owner);
      }
    }
    return owners;
  }

  /** The TIME_WAIT sockets owned in {@code netns}, by owners of {@code kind} (null: all). */
  private static long ownedIn(JsonNode report, long netns, String kind) {
    return owners(report, netns).stream()
        .filter(o -> kind == null || o.get("kind").asText().equals(kind))
        .mapToLong(o -> o.get("timeWait").asLong())
        .sum();
  }

  private static List<String> schemaErrors(JsonNode report) throws IOException {
    try (InputStream in =
        Files.newInputStream(Path.of("..", "docs", "schema", "timewait.report-1.schema.json"))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(in)
          .validate(report)
          .stream()
          .map(Object::toString)
          .toList();
    }
  }

  private static boolean onPath(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }
}
