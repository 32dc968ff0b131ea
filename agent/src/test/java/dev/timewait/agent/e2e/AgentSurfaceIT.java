package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent exposes: no listening socket, MBeans a JMX client can read but not use to write
 * files or run code, and a lifecycle through the {@code timewait} command (attach, attach again,
 * detach, attach again) that always leaves the application running.
 */
class AgentSurfaceIT {
  private static final Path CLI_JAR =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"));

  /** Parameter types a JMX operation may take: numbers and flags, never a name, path or bytes. */
  private static final Set<String> HARMLESS_PARAMETERS =
      Set.of(
          "int",
          "long",
          "boolean",
          "double",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Boolean",
          "java.lang.Double");

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void noListeningSocketAndNoMBeanOperationTakesAPathOrCode(Jdk jdk, @TempDir Path dir)
      throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp");
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .agent(
                "jmxDelay=0s,interval=100ms,hostInterval=100ms,tableInterval=100ms,snapshot="
                    + dir.resolve("s.json"))
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send("closes 3");
      child.awaitLine("done 3");
      child.awaitReply("mbean", "mbean true", 15_000);
      Thread.sleep(300); // snapshots written, host sampled
      assertEquals(
          List.of(), KernelTcpTable.read().listeners(child.pid()), "listening sockets of the JVM");

      VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
      String url;
      try {
        url = vm.startLocalManagementAgent(); // asked for: the JDK's local JMX connector
      } finally {
        vm.detach();
      }
      // The JDK's local connector, which the client asked for, is the one listener: it binds the
      // wildcard address and refuses peers that are not addresses of this host.
      assertEquals(1, KernelTcpTable.read().listeners(child.pid()).size());
      List<String> seen = new ArrayList<>();
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
        MBeanServerConnection mbeans = connector.getMBeanServerConnection();
        Set<ObjectName> names = mbeans.queryNames(new ObjectName("dev.timewait:*"), null);
        assertTrue(names.size() >= 3, "the agent's MBeans: " + names);
        for (ObjectName name : names) {
          MBeanInfo info = mbeans.getMBeanInfo(name);
          for (MBeanAttributeInfo attribute : info.getAttributes()) {
            assertTrue(!attribute.isWritable(), name + " " + attribute.getName() + " is writable");
          }
          for (MBeanOperationInfo operation : info.getOperations()) {
            seen.add(name + " " + operation.getName());
            for (MBeanParameterInfo parameter : operation.getSignature()) {
              assertTrue(
                  HARMLESS_PARAMETERS.contains(parameter.getType()),
                  name + " " + operation.getName() + " takes " + parameter.getType());
            }
          }
        }
      }
      System.out.println(jdk + ": operations " + seen);
      child.send("exit");
      child.finish(30);
    }
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void attachTwiceDetachAndAttachAgainThroughTheCommand(Jdk jdk, @TempDir Path dir)
      throws Exception {
    Path java = jdk.java();
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .jvmArgs("-XX:+EnableDynamicAgentLoading")
            .mainClass(LifecycleApp.class)
            .start()) {
      String pid = child.awaitValue("ready");
      String[] attach = {"attach", pid, "--agent-jar", ChildJvm.agentJar().toString()};

      assertEquals("0 timewait agent running in pid " + pid, cli(java, dir, attach));
      child.send("closes 3");
      child.awaitLine("done 3");
      assertEquals(
          "0 timewait agent already running in pid " + pid, cli(java, dir, attach), "again");
      child.send("closes 2");
      child.awaitLine("done 2");
      assertEquals(5, clientActive(java, dir, pid), "the second attach neither resets nor doubles");

      String[] detach = {"detach", pid, "--agent-jar", ChildJvm.agentJar().toString()};
      assertTrue(cli(java, dir, detach).startsWith("0 "));
      child.send("closes 4");
      child.awaitLine("done 4");
      assertTrue(
          cli(java, dir, "snapshot", "--pid", pid).startsWith("2 timewait: "),
          "no agent after detach");

      assertEquals("0 timewait agent running in pid " + pid, cli(java, dir, attach));
      child.send("closes 1");
      child.awaitLine("done 1");
      assertEquals(1, clientActive(java, dir, pid), "a new attach counts from zero");

      child.send("exit");
      child.finish(30);
      assertFalse(
          child.stderr().contains("timewait: agent already running"),
          "the command saw the running agent and sent no second start: " + child.stderr());
    }
  }

  private static long clientActive(Path java, Path dir, String pid) throws Exception {
    Path out = dir.resolve("snapshot.json");
    String result = cli(java, dir, "snapshot", "--pid", pid, "--out", out.toString());
    assertTrue(result.startsWith("0"), result);
    JsonNode snap = new ObjectMapper().readTree(Files.readString(out));
    return snap.get("totals").get("byRole").get("CLIENT").get("active").asLong();
  }

  /** Runs {@code timewait.jar}; returns the exit code and the first line of stdout or stderr. */
  static String cli(Path java, Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", CLI_JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timewait " + String.join(" ", args));
    List<String> lines = new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
    List<String> errors = Files.readAllLines(err, StandardCharsets.UTF_8);
    assertTrue(errors.size() <= 1, "at most one line on stderr: " + errors);
    lines.addAll(errors);
    return p.exitValue() + " " + (lines.isEmpty() ? "" : lines.get(0));
  }
}
