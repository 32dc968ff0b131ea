package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.NetNamespace;
import dev.timewait.testing.OwnersChurnClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --all-netns} on two network namespaces the test makes ({@link NetNamespace}): in
 * one a Python client churns to a server, in the other a JVM without an agent does, each holding
 * one connection to its destination open. Each namespace's owners add up exactly to its own kernel
 * table, read through its own {@code /proc/PID/net/tcp}; both clients are estimated by their
 * destination and named; each namespace shows its own sysctls and findings. The agent's exact sites
 * are {@code NamespaceOwnersIT}'s, in the agent module, which is built after this one.
 */
class AllNetnsOwnersIT {

  private static final int PORT = 18080;
  private static final int CLOSES = 200;

  @TempDir Path dir;

  @Test
  void everyTimeWaitSocketOfEachNamespaceHasAnOwnerAndTheyAddUpToItsKernelTable() throws Exception {
    String why = NetNamespace.unavailable("python3");
    assumeTrue(why == null, why + ": skipped");
    Path script = OwnersChurnClient.pythonScript(dir);
    try (NetNamespace pythonNs = NetNamespace.create(0);
        NetNamespace javaNs = NetNamespace.create(1)) {
      // a small port range in one namespace only: 201 of its 300 ports in use is a finding there
      pythonNs.sysctl("net.ipv4.ip_local_port_range", "40000 40299");
      String py = script.toString();
      NetNamespace.awaitLine(pythonNs.start("python3", py, "server", "" + PORT), "listening");
      NetNamespace.awaitLine(javaNs.start("python3", py, "server", "" + PORT), "listening");
      Process python = pythonNs.start("python3", py, "client", "" + PORT, "" + CLOSES);
      try (ChildJvm jvm =
          ChildJvm.builder()
              .launcher(javaNs.launcher())
              .mainClass(OwnersChurnClient.class)
              .args("" + PORT, "" + CLOSES)
              .start()) {
        jvm.awaitLine("done");
        NetNamespace.awaitLine(python, "done");
        pythonNs.awaitClosesSettled();
        javaNs.awaitClosesSettled();

        long pythonTimeWait = pythonNs.timeWait();
        long javaTimeWait = javaNs.timeWait();
        CliRun run = CliRun.of("report", "--all-netns", "--format", "json", "-d", "0");
        assertEquals(pythonTimeWait, pythonNs.timeWait(), "the table moved during the run");
        assertEquals(javaTimeWait, javaNs.timeWait(), "the table moved during the run");

        assertEquals(0, run.code(), run.err());
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertEquals(List.of(), schemaErrors(report));
        long pythonNetns = NetNamespace.inodeOf(python.pid());
        long javaNetns = NetNamespace.inodeOf(jvm.pid());
        assertTrue(pythonTimeWait > 0 && javaTimeWait > 0, pythonTimeWait + " " + javaTimeWait);

        assertEstimatedOwner(report, pythonNetns, pythonTimeWait, python.pid(), "python3");
        assertEstimatedOwner(report, javaNetns, javaTimeWait, jvm.pid(), "java");

        // each namespace's sysctls are its own, read inside it, and so are its findings
        JsonNode pythonSettings = namespace(report, pythonNetns).get("settings");
        assertEquals(0, pythonSettings.get("net.ipv4.tcp_tw_reuse").asInt());
        assertEquals("40000 40299", pythonSettings.get("net.ipv4.ip_local_port_range").asText());
        assertEquals(
            1, namespace(report, javaNetns).get("settings").get("net.ipv4.tcp_tw_reuse").asInt());
        assertTrue(
            findingIds(namespace(report, pythonNetns)).contains("PORT_EXHAUSTION_RISK"),
            namespace(report, pythonNetns).toString());
        assertFalse(findingIds(namespace(report, javaNetns)).contains("PORT_EXHAUSTION_RISK"));

        CliRun markdown = CliRun.of("report", "--all-netns", "-d", "0");
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

  /** All of the namespace's TIME_WAIT sockets go to the client that holds a connection there. */
  private static void assertEstimatedOwner(
      JsonNode report, long netns, long kernelTimeWait, long pid, String name) {
    assertEquals(kernelTimeWait, namespace(report, netns).get("timeWait").asLong());
    List<JsonNode> owners = owners(report, netns);
    assertEquals(1, owners.size(), owners.toString());
    JsonNode client = owners.get(0);
    assertEquals("process", client.get("kind").asText(), client.toString());
    assertEquals(pid, client.get("pid").asLong());
    assertEquals(name, client.get("name").asText());
    assertFalse(client.get("exact").asBoolean());
    assertEquals(kernelTimeWait, client.get("timeWait").asLong(), client.toString());
    assertEquals(
        "holds a socket to 127.0.0.1:" + PORT + " from 127.0.0.1 (now)",
        client.get("evidence").asText());
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
}
