package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --pid}, {@code attach}, {@code detach} and {@code snapshot} against real child JVMs. */
class JvmCommandsTest {

  @TempDir Path dir;

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process child : children) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
  }

  Path snapshotFile() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/snapshot/documented-example.json")) {
      return Files.write(dir.resolve("served.json"), in.readAllBytes());
    }
  }

  /** Starts a child JVM running {@link FakeAgent} and waits until it is ready. */
  Process childJvm(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx64m");
    for (String arg : args) {
      if (arg.startsWith("-X")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(
        Path.of(FakeAgent.class.getProtectionDomain().getCodeSource().getLocation().getPath())
            .toString());
    command.add(FakeAgent.class.getName());
    for (String arg : args) {
      if (!arg.startsWith("-X")) {
        command.add(arg);
      }
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    children.add(process);
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", reader.readLine(), "child JVM started");
    return process;
  }

  /** An agent jar whose Agent-Class is {@link FakeAgent}. */
  Path fakeAgentJar() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), FakeAgent.class.getName());
    Path jar = dir.resolve("fake-agent.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Class<?> type :
          new Class<?>[] {FakeAgent.class, FakeAgent.AgentMBean.class, JvmConnection.class}) {
        String name = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void reportAndSnapshotThroughJmx() throws Exception {
    Path served = snapshotFile();
    Process child = childJvm(served.toString());
    String pid = Long.toString(child.pid());

    CliRun report =
        CliRun.of("report", "--no-host", "--pid", pid, "--duration", "0", "--format", "json");
    assertEquals(0, report.code(), report.err());
    JsonNode json = new ObjectMapper().readTree(report.out());
    assertEquals("com.example.Client.call(Client.java:42)", json.at("/sites/0/site").asText());
    assertEquals("web-1 pid 123 (com.example.Main)", json.at("/jvms/0/label").asText());

    Path saved = dir.resolve("saved.json");
    CliRun snapshot = CliRun.of("snapshot", "--pid", pid, "--out", saved.toString());
    assertEquals(0, snapshot.code(), snapshot.err());
    assertEquals(Files.readString(served), Files.readString(saved));
  }

  @Test
  void attachLoadsTheAgentAndDetachRemovesIt() throws Exception {
    Path served = snapshotFile();
    Path jar = fakeAgentJar();
    Process child = childJvm();
    String pid = Long.toString(child.pid());

    CliRun absent = CliRun.of("report", "--no-host", "--pid", pid, "--duration", "0");
    assertEquals(2, absent.code());
    assertTrue(
        absent.errLine().contains("has no timewait agent (use --attach to load it)"), absent.err());

    CliRun attach =
        CliRun.of("attach", pid, "--agent-jar", jar.toString(), "--options", served.toString());
    assertEquals(0, attach.code(), attach.err());
    assertEquals("timewait agent running in pid " + pid, attach.out().strip());

    CliRun snapshot = CliRun.of("snapshot", "--pid", pid);
    assertEquals(0, snapshot.code(), snapshot.err());
    assertTrue(snapshot.out().contains("\"schema\": \"timewait.snapshot/1\""));

    CliRun detach = CliRun.of("detach", pid, "--agent-jar", jar.toString());
    assertEquals(0, detach.code(), detach.err());
    CliRun after = CliRun.of("snapshot", "--pid", pid);
    assertEquals(2, after.code());
    assertTrue(after.errLine().contains("has no timewait agent"), after.err());
  }

  @Test
  void missingProcess() {
    CliRun run = CliRun.of("snapshot", "--pid", "999999999");
    assertEquals(2, run.code());
    assertEquals("timewait: no process with pid 999999999", run.errLine());
  }

  @Test
  void notAJvmIsRefusedAndLeftAlive() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    children.add(sleeper);
    CliRun run =
        CliRun.of("report", "--no-host", "--pid", Long.toString(sleeper.pid()), "--duration", "0");
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("is not a Java VM"), run.err());
    assertTrue(sleeper.isAlive(), "the attach mechanism's SIGQUIT was not sent");
  }

  @Test
  void attachDisabled() throws Exception {
    Process child = childJvm("-XX:+DisableAttachMechanism");
    CliRun run = CliRun.of("snapshot", "--pid", Long.toString(child.pid()));
    assertEquals(2, run.code());
    assertTrue(
        run.errLine().startsWith("timewait: cannot attach to pid " + child.pid()), run.err());
  }

  @Test
  void missingAgentJar() {
    CliRun run = CliRun.of("attach", "1", "--agent-jar", dir.resolve("none.jar").toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("agent jar not found"), run.err());
  }
}
