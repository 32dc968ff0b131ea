package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.NetNamespace;
import dev.timewait.testing.OwnersChurnClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole host in one answer: {@code timewait report --all-jvms --user nobody --attach
 * --all-netns}, run as root, over two network namespaces the test makes.
 *
 * <ul>
 *   <li>Namespace A: a JVM with the agent and two sites (client closes, and a JDK HTTP server that
 *       closes first), and a Python client churning to a Python server.
 *   <li>Namespace B: a JVM with the agent and one site; a JVM without the agent churning to a
 *       Python server; and a JVM without the agent in pid and mount namespaces of its own with a
 *       private {@code /tmp}, as in a container, churning to a second server.
 * </ul>
 *
 * Each namespace's owners add up exactly to its own kernel table; each agent site is exact; the
 * Python client and both JVMs without the agent are estimated by their destinations and named; the
 * two JVMs without the agent are attached and read. The JVMs run as {@code nobody} and {@code
 * --user nobody} keeps the command off the host's other JVMs (the build's own, root's).
 */
class WholeHostIT {

  private static final Path CLI =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"));
  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");
  private static final int PORT = 18090;
  private static final int CONTAINED_PORT = 18091;
  private static final int PYTHON_CLOSES = 120;
  private static final int CHURN_CLOSES = 80;
  private static final int SITE_A_CLOSES = 60;
  private static final int SITE_A_HTTP = 40;
  private static final int SITE_B_CLOSES = 50;

  @TempDir Path dir;

  private final List<ChildJvm> children = new ArrayList<>();

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void everyTimeWaitSocketOfEveryNamespaceHasItsOwner(Jdk jdk) throws Exception {
    String why = NetNamespace.unavailable("python3", "setpriv", "unshare");
    assumeTrue(why == null, why + ": skipped");
    assumeTrue(Files.isRegularFile(CLI), "needs " + CLI + " (mvn -pl analyzer package): skipped");
    String script = OwnersChurnClient.pythonScript(dir).toString();
    try (NetNamespace a = NetNamespace.create(0);
        NetNamespace b = NetNamespace.create(0)) {
      try {
        run(jdk, a, b, script);
      } finally {
        for (ChildJvm child : children) {
          if (child.isAlive()) {
            child.send("exit");
            child.waitFor(10);
          }
          child.kill();
        }
      }
    }
  }

  private void run(Jdk jdk, NetNamespace a, NetNamespace b, String script) throws Exception {
    NetNamespace.awaitLine(a.start("python3", script, "server", "" + PORT), "listening");
    NetNamespace.awaitLine(b.start("python3", script, "server", "" + PORT), "listening");
    NetNamespace.awaitLine(b.start("python3", script, "server", "" + CONTAINED_PORT), "listening");

    ChildJvm twoSites = start(jdk, a, true, false, LifecycleApp.class);
    ChildJvm oneSite = start(jdk, b, true, false, LifecycleApp.class);
    ChildJvm without =
        start(jdk, b, false, false, OwnersChurnClient.class, "" + PORT, "" + CHURN_CLOSES);
    ChildJvm contained =
        start(jdk, b, false, true, OwnersChurnClient.class, "" + CONTAINED_PORT, "" + CHURN_CLOSES);
    Process python = a.start("python3", script, "client", "" + PORT, "" + PYTHON_CLOSES);

    twoSites.awaitLine("ready");
    twoSites.send("closes " + SITE_A_CLOSES);
    twoSites.awaitLine("done " + SITE_A_CLOSES);
    twoSites.send("http " + SITE_A_HTTP);
    twoSites.awaitLine("served " + SITE_A_HTTP);
    oneSite.awaitLine("ready");
    oneSite.send("closes " + SITE_B_CLOSES);
    oneSite.awaitLine("done " + SITE_B_CLOSES);
    without.awaitLine("done");
    contained.awaitLine("done");
    long containedPid = Contained.javaBelow(contained.pid());
    NetNamespace.awaitLine(python, "done");
    a.awaitClosesSettled();
    b.awaitClosesSettled();

    long kernelA = a.timeWait();
    long kernelB = b.timeWait();
    Map<Integer, Long> byPortB = timeWaitByRemotePort(b);
    long pythonTimeWait = timeWaitByRemotePort(a).getOrDefault(PORT, 0L);
    String[] report =
        cli(
            "report",
            "--all-jvms",
            "--user",
            "nobody",
            "--attach",
            "--agent-jar",
            ChildJvm.agentJar().toAbsolutePath().toString(),
            "--all-netns",
            "-d",
            "0",
            "-f",
            "json");
    assertEquals(kernelA, a.timeWait(), "namespace A's table moved during the run");
    assertEquals(kernelB, b.timeWait(), "namespace B's table moved during the run");
    JsonNode json = new ObjectMapper().readTree(report[0]);
    String stderr = report[1];

    long netnsA = NetNamespace.inodeOf(twoSites.pid());
    long netnsB = NetNamespace.inodeOf(oneSite.pid());
    assertEquals(kernelA, namespace(json, netnsA).get("timeWait").asLong());
    assertEquals(kernelB, namespace(json, netnsB).get("timeWait").asLong());
    assertEquals(kernelA, owned(json, netnsA), "namespace A: " + owners(json, netnsA));
    assertEquals(kernelB, owned(json, netnsB), "namespace B: " + owners(json, netnsB));

    // namespace A: the agent's two sites, exact; the Python client, estimated and named
    Map<String, Long> sitesA = exactSites(json, netnsA, twoSites.pid());
    assertEquals(SITE_A_CLOSES + SITE_A_HTTP, sum(sitesA), sitesA.toString());
    assertTrue(sitesA.size() >= 2, "two sites: " + sitesA);
    assertTrue(
        sitesA.keySet().stream().anyMatch(s -> s.contains("LifecycleApp.closeFirst(")),
        sitesA.toString());
    JsonNode py = estimated(json, netnsA, python.pid());
    assertEquals("python3", py.get("name").asText());
    assertEquals(pythonTimeWait, py.get("timeWait").asLong(), py.toString());
    // a rare close of the Python client ends without TIME_WAIT (the owner is held to the kernel)
    assertTrue(pythonTimeWait >= PYTHON_CLOSES - 3, "the kernel holds " + pythonTimeWait);

    // namespace B: one exact site; the two JVMs without the agent, estimated and named
    assertEquals(SITE_B_CLOSES, sum(exactSites(json, netnsB, oneSite.pid())));
    JsonNode churn = estimated(json, netnsB, without.pid());
    assertEquals("java", churn.get("name").asText());
    assertEquals(byPortB.get(PORT), churn.get("timeWait").asLong(), churn.toString());
    JsonNode inContainer = estimated(json, netnsB, containedPid);
    assertEquals(byPortB.get(CONTAINED_PORT), inContainer.get("timeWait").asLong());
    assertEquals(
        List.of(),
        owners(json, netnsA).stream()
            .filter(o -> o.get("kind").asText().equals("unknown"))
            .toList());

    // every JVM of the scenario was read, the two without the agent after loading it
    TreeSet<Long> read = new TreeSet<>();
    for (JsonNode jvm : json.get("jvms")) {
      read.add(jvm.at("/jvm/pid").asLong());
    }
    for (long pid : List.of(twoSites.pid(), oneSite.pid(), without.pid(), containedPid)) {
      assertTrue(read.contains(pid), "pid " + pid + " read: " + read + "\n" + stderr);
    }
    for (long pid : List.of(without.pid(), containedPid)) {
      assertTrue(opensAgentJar(pid), "the agent was loaded into pid " + pid + ", which had none");
      assertFalse(stderr.contains("pid " + pid + ":"), stderr);
    }
  }

  /**
   * A JVM in namespace {@code ns} run by nobody, in pid and mount namespaces of its own if asked.
   */
  private ChildJvm start(
      Jdk jdk, NetNamespace ns, boolean agent, boolean contained, Class<?> main, String... args)
      throws Exception {
    List<String> launcher = ns.enter();
    launcher.addAll(contained ? List.of(Contained.launcher(AS_NOBODY)) : AS_NOBODY);
    ChildJvm.Builder builder =
        ChildJvm.on(jdk)
            .jvmArgs("-Xmx64m", "-XX:+EnableDynamicAgentLoading")
            .launcher(launcher.toArray(new String[0]))
            .mainClass(main)
            .args(args);
    if (agent) {
      builder.agent("interval=300ms");
    }
    ChildJvm child = builder.start();
    children.add(child);
    return child;
  }

  /**
   * Whether the process holds the agent's jar open (the JVM keeps its class path jars open): ours,
   * or the copy the command puts into a container's own {@code /tmp}.
   */
  private static boolean opensAgentJar(long pid) throws IOException {
    try (var fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String name = Files.readSymbolicLink(fd).getFileName().toString();
          if (name.startsWith("timewait-agent") && name.endsWith(".jar")) {
            return true;
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return false;
  }

  /** The namespace's TIME_WAIT sockets by remote port (client side). */
  private static Map<Integer, Long> timeWaitByRemotePort(NetNamespace ns) throws IOException {
    Map<Integer, Long> byPort = new TreeMap<>();
    for (KernelTcpTable.Row row : ns.rows()) {
      if (row.state() == KernelTcpTable.TIME_WAIT) {
        byPort.merge(row.tuple().remotePort(), 1L, Long::sum);
      }
    }
    return byPort;
  }

  /** Runs {@code timewait.jar} as root; stdout and stderr. Exit 0 or 1 (findings) is a report. */
  private String[] cli(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(Jdk.current().java().toString(), "-jar", CLI.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timewait " + String.join(" ", args));
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertTrue(process.exitValue() == 0 || process.exitValue() == 1, stderr);
    return new String[] {Files.readString(out, StandardCharsets.UTF_8), stderr};
  }

  private static JsonNode namespace(JsonNode report, long netns) {
    for (JsonNode ns : report.get("namespaces")) {
      if (ns.get("netns").asLong() == netns) {
        return ns;
      }
    }
    throw new AssertionError("no namespace " + netns + " in " + report.get("namespaces"));
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

  private static long owned(JsonNode report, long netns) {
    return owners(report, netns).stream().mapToLong(o -> o.get("timeWait").asLong()).sum();
  }

  /** The agent's site rows of {@code pid} in the namespace, each exact: site to TIME_WAIT. */
  private static Map<String, Long> exactSites(JsonNode report, long netns, long pid) {
    Map<String, Long> sites = new TreeMap<>();
    for (JsonNode owner : owners(report, netns)) {
      if (owner.get("kind").asText().equals("jvm-site") && owner.get("pid").asLong() == pid) {
        assertTrue(owner.get("exact").asBoolean(), owner.toString());
        sites.merge(owner.get("site").asText(), owner.get("timeWait").asLong(), Long::sum);
      }
    }
    return sites;
  }

  /** The one estimated owner {@code pid} in the namespace. */
  private static JsonNode estimated(JsonNode report, long netns, long pid) {
    List<JsonNode> found =
        owners(report, netns).stream()
            .filter(o -> o.get("kind").asText().equals("process") && o.get("pid").asLong() == pid)
            .toList();
    assertEquals(1, found.size(), "pid " + pid + " among " + owners(report, netns));
    assertFalse(found.get(0).get("exact").asBoolean(), found.get(0).toString());
    return found.get(0);
  }

  private static long sum(Map<String, Long> sites) {
    return sites.values().stream().mapToLong(Long::longValue).sum();
  }
}
