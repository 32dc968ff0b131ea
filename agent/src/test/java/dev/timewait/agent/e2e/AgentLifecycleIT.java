package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.TimeWaitOverflowGuard;
import dev.timewait.testing.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading, attaching twice, bad options, JMX clients: the agent stays correct and out of the way.
 */
class AgentLifecycleIT {
  @Test
  void theJarHidesEveryLibraryFromTheApplication() throws Exception {
    try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
      List<String> visible = new ArrayList<>();
      jar.stream()
          .map(e -> e.getName())
          .filter(n -> !n.startsWith("inst/") && !n.endsWith("/"))
          .forEach(visible::add);
      for (String name : visible) {
        assertTrue(
            name.equals("META-INF/MANIFEST.MF")
                || name.matches(
                    "dev/timewait/agent/(TimewaitAgent|AgentClassLoader)[$\\w]*\\.class"),
            "visible to the application's class loader: " + name);
      }
      assertTrue(jar.getEntry("inst/net/bytebuddy/ByteBuddy.class") != null, "Byte Buddy inside");
      assertTrue(
          jar.getEntry("inst/dev/timewait/core/snapshot/SnapshotWriter.class") != null,
          "the core library inside");
      List<String> notForTheAgent =
          jar.stream()
              .map(e -> e.getName())
              .filter(
                  n ->
                      n.matches(
                          "(?i)inst/(picocli|com/fasterxml|oshi|com/sun/jna|META-INF/resources/webjars"
                              + "|dev/timewait/analyzer|dev/timewait/core/host/oshi).*"))
              .toList();
      assertEquals(
          List.of(),
          notForTheAgent,
          "the command line, its reports and libraries, and OSHI stay out of the agent");
      assertTrue(
          jar.getEntry("inst/dev/timewait/agent/bootstrap/CloseBridge.class") != null,
          "bridge bytes inside");
      Manifest manifest = jar.getManifest();
      assertEquals(
          "dev.timewait.agent.TimewaitAgent",
          manifest.getMainAttributes().getValue("Premain-Class"));
      assertEquals(
          "dev.timewait.agent.TimewaitAgent", manifest.getMainAttributes().getValue("Agent-Class"));
      assertEquals("true", manifest.getMainAttributes().getValue("Can-Retransform-Classes"));
      assertEquals("true", manifest.getMainAttributes().getValue("Can-Redefine-Classes"));
    }
  }

  @Test
  void badOptionsPrintOneLineAndTheApplicationRuns() throws Exception {
    java.util.Random random = new java.util.Random(11);
    StringBuilder noise = new StringBuilder("snapshot");
    while (noise.length() < 2000) {
      noise.append((char) (1 + random.nextInt(0x2fff))); // any character but NUL
    }
    for (String options :
        new String[] {
          "bogus=1",
          "maxSites=lots",
          "\u0001\u0002==,",
          "interval",
          "maxSites=" + "9".repeat(100_000),
          noise.toString()
        }) {
      try (ChildJvm child =
          ChildJvm.builder().agent(options).mainClass(LifecycleApp.class).start()) {
        child.awaitLine("ready");
        child.send("closes 3");
        child.awaitLine("done 3");
        child.send("mbean");
        String label = options.length() > 40 ? options.substring(0, 40) + "..." : options;
        assertEquals("mbean false", child.awaitLine("mbean"), label);
        child.send("exit");
        child.finish(30);
        List<String> agentLines =
            child.stderr().lines().filter(l -> l.startsWith("timewait:")).toList();
        assertEquals(1, agentLines.size(), label + ": " + child.stderr());
        assertTrue(agentLines.get(0).contains("agent disabled"), agentLines.get(0));
        assertEquals(agentLines.size(), child.stderr().lines().count(), "nothing else on stderr");
      }
    }
  }

  @Test
  void aSecondAttachDoesNotCountTwice(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    try (ChildJvm child =
        ChildJvm.builder()
            .jvmArgs("-XX:+EnableDynamicAgentLoading")
            .agent("snapshot=" + snapshot)
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
      try {
        vm.loadAgent(ChildJvm.agentJar().toString(), "snapshot=" + snapshot);
      } finally {
        vm.detach();
      }
      child.send("closes 5");
      child.awaitLine("done 5");
      child.send("exit");
      child.finish(30);
      assertTrue(child.stderr().contains("timewait: agent already running"), child.stderr());
    }
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
    assertEquals(5, snap.get("totals").get("byRole").get("CLIENT").get("active").asLong());
    assertEquals(5, snap.get("totals").get("byRole").get("SERVER").get("passive").asLong());
  }

  @Test
  void closeWaitLeaksAreNamedByOpenSite(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    try (ChildJvm child =
        ChildJvm.builder()
            .agent("snapshot=" + snapshot + ",interval=200ms,closeWaitAfter=500ms")
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send("leak 4");
      child.awaitLine("leaked 4");
      JsonNode leaking = awaitSnapshot(snapshot, s -> s.get("closeWait").size() > 0, 10_000);
      assertEquals(1, leaking.get("closeWait").size(), leaking.get("closeWait").toString());
      JsonNode row = leaking.get("closeWait").get(0);
      assertEquals(4, row.get("count").asLong());
      assertEquals("CLIENT", row.get("role").asText());
      assertTrue(row.get("openSite").asText().contains("LifecycleApp.leak("), row.toString());
      child.send("release");
      child.awaitLine("released 4");
      JsonNode released = awaitSnapshot(snapshot, s -> s.get("closeWait").size() == 0, 10_000);
      assertEquals(4, released.get("totals").get("byRole").get("CLIENT").get("passive").asLong());
      child.send("exit");
      child.finish(30);
    }
  }

  @Test
  void theHostSectionMatchesTheKernelsTimeWaitTable(@TempDir Path dir) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp");
    Path snapshot = dir.resolve("s.json");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    try (ChildJvm child =
        ChildJvm.builder()
            .agent(
                "snapshot=" + snapshot + ",interval=200ms,hostInterval=200ms,tableInterval=300ms")
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send("closes 50");
      child.awaitLine("done 50");
      JsonNode snap;
      try {
        snap =
            awaitSnapshot(
                snapshot,
                s -> s.path("host").path("match").path("confirmed").asLong() == 50,
                15_000);
      } catch (AssertionError e) {
        guard.assumeTableHadRoom();
        throw e;
      }
      guard.assumeTableHadRoom();
      JsonNode host = snap.get("host");
      assertEquals("linux-proc", host.get("collector").asText());
      assertTrue(host.get("timeWait").asLong() >= 50, host.toString());
      JsonNode match = host.get("match");
      assertEquals(50, match.get("recentCloses").asLong());
      assertEquals(1.0, match.get("confirmedShare").asDouble());
      JsonNode site = match.get("sites").get(0);
      assertTrue(site.get("site").asText().contains("LifecycleApp.closeFirst("), site.toString());
      assertEquals(50, site.get("timeWait").asLong());
      KernelTcpTable kernel = KernelTcpTable.read();
      long inKernel = 0;
      for (JsonNode close : snap.get("recentActiveCloses")) {
        if (kernel.inTimeWait(
            Tuple.parse(close.get("local").asText(), close.get("remote").asText()))) {
          inKernel++;
        }
      }
      assertEquals(50, inKernel, "the kernel agrees, read independently");
      child.send("exit");
      child.finish(30);
    }
  }

  private static JsonNode awaitSnapshot(
      Path file, java.util.function.Predicate<JsonNode> condition, long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      if (Files.exists(file)) {
        last = new ObjectMapper().readTree(Files.readString(file));
        if (condition.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("snapshot never matched; last: " + last);
  }

  @Test
  void jmxClientConnectionsAreNotApplicationCloses(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    try (ChildJvm child =
        ChildJvm.builder()
            .agent("snapshot=" + snapshot + ",jmxDelay=0s")
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send("closes 2");
      child.awaitLine("done 2");
      VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
      String url;
      try {
        url = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      for (int round = 0; round < 3; round++) {
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
          MBeanServerConnection mbeans = connector.getMBeanServerConnection();
          Object active =
              mbeans.getAttribute(new ObjectName("dev.timewait:type=Closes"), "ActiveCloses");
          assertEquals(2L, active, "round " + round);
        }
      }
      child.send("closes 1");
      child.awaitLine("done 1");
      child.send("exit");
      child.finish(30);
    }
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
    for (JsonNode row : snap.get("sites")) {
      assertTrue(
          row.get("site").asText().contains("LifecycleApp")
              && row.get("openSite").asText().contains("LifecycleApp"),
          "only the application's own sites: " + row);
    }
    JsonNode byRole = snap.get("totals").get("byRole");
    assertEquals(3, byRole.get("CLIENT").get("active").asLong());
    assertEquals(3, byRole.get("SERVER").get("passive").asLong());
    assertEquals(0, byRole.get("SERVER").get("active").asLong());
    assertFalse(snap.toString().contains("sun.rmi"), "no JMX connector site");
  }
}
