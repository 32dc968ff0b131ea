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
    command.add("--add-exports");
    command.add("java.base/jdk.internal.vm=ALL-UNNAMED");
    command.add("-Dfake.jar=" + fakeAgentJar());
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
      for (String type : new String[] {FakeAgent.class.getName()}) {
        String name = type.replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream in = FakeAgent.class.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void reportAndSnapshotThroughJmxWithThePidAsArgument() throws Exception {
    Path served = snapshotFile();
    Process child = childJvm("served=" + served);
    String pid = Long.toString(child.pid());

    CliRun report = CliRun.of("report", "--no-host", pid, "-d", "0", "-f", "json");
    assertEquals(0, report.code(), report.err());
    JsonNode json = new ObjectMapper().readTree(report.out());
    assertEquals("com.example.Client.call(Client.java:42)", json.at("/sites/0/site").asText());
    assertEquals("web-1", json.at("/jvms/0/jvm/hostName").asText());
    assertEquals(123, json.at("/jvms/0/jvm/pid").asLong());
    assertEquals("", report.err(), "nothing to say: no connector was started");

    Path saved = dir.resolve("saved.json");
    CliRun snapshot = CliRun.of("snapshot", pid, "-o", saved.toString());
    assertEquals(0, snapshot.code(), snapshot.err());
    assertEquals("", snapshot.err());
    assertEquals(Files.readString(served), Files.readString(saved));

    CliRun old = CliRun.of("snapshot", "--pid", pid);
    assertEquals(0, old.code(), "--pid PID is still understood: " + old.err());
    assertEquals(Files.readString(served).strip(), old.out().strip());
  }

  @Test
  void attachReadsTheAgentBackAndDetachSaysRemovedOnce() throws Exception {
    Path served = snapshotFile();
    Path jar = fakeAgentJar();
    Process child = childJvm();
    String pid = Long.toString(child.pid());

    CliRun absent = CliRun.of("report", "--no-host", pid, "--duration", "0");
    assertEquals(2, absent.code());
    assertTrue(
        absent.err().contains("has no timewait agent (use --attach to load it)"), absent.err());

    String options = "served=" + served + ",interval=10s";
    CliRun attach = CliRun.of("attach", pid, "--agent-jar", jar.toString(), "--options", options);
    assertEquals(0, attach.code(), attach.err());
    assertEquals("timewait agent running in pid " + pid, attach.out().strip());

    CliRun again = CliRun.of("attach", pid, "--agent-jar", jar.toString(), "--options", options);
    assertEquals(0, again.code(), again.err());
    assertEquals("timewait agent already running in pid " + pid, again.out().strip());

    CliRun changed =
        CliRun.of(
            "attach", pid, "--agent-jar", jar.toString(), "--options", "interval=5s,maxSites=10");
    assertEquals(1, changed.code(), changed.err());
    assertEquals("", changed.out(), "nothing claims success");
    assertTrue(
        changed.errLine().contains("not applied: interval=5s,maxSites=10"), changed.errLine());
    assertTrue(
        changed.errLine().contains("with served=" + served + ",interval=10s;"), changed.errLine());

    CliRun snapshot = CliRun.of("snapshot", pid);
    assertEquals(0, snapshot.code(), snapshot.err());
    assertTrue(snapshot.out().contains("\"schema\": \"timewait.snapshot/1\""));

    CliRun detach = CliRun.of("detach", pid, "--agent-jar", jar.toString());
    assertEquals(0, detach.code(), detach.err());
    assertEquals("timewait agent removed from pid " + pid, detach.out().strip());
    CliRun twice = CliRun.of("detach", pid, "--agent-jar", jar.toString());
    assertEquals(1, twice.code(), twice.err());
    assertEquals("", twice.out());
    assertEquals(
        "timewait: pid " + pid + " has no timewait agent: nothing to remove", twice.errLine());
    CliRun after = CliRun.of("snapshot", pid);
    assertEquals(2, after.code());
    assertTrue(after.errLine().contains("has no timewait agent"), after.err());
  }

  @Test
  void anAgentThatSwitchesItselfOffIsAnError() throws Exception {
    Path served = snapshotFile();
    Process child = childJvm();
    String pid = Long.toString(child.pid());
    CliRun attach =
        CliRun.of(
            "attach",
            pid,
            "--agent-jar",
            fakeAgentJar().toString(),
            "--options",
            "served=" + served + ",off=true");
    assertEquals(1, attach.code(), attach.err());
    assertEquals("", attach.out());
    assertTrue(
        attach.err().contains("timewait: the agent did not start in pid " + pid), attach.err());
  }

  @Test
  void aJarThatIsNoAgentIsRefusedBeforeAttaching() throws Exception {
    Path plain = dir.resolve("plain.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(plain);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("x.txt"));
      out.closeEntry();
    }
    CliRun run = CliRun.of("attach", "1", "--agent-jar", plain.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("is not an agent jar"), run.err());
  }

  @Test
  void missingProcess() {
    CliRun run = CliRun.of("snapshot", "999999999");
    assertEquals(2, run.code());
    assertEquals("timewait: no process with pid 999999999", run.errLine());
  }

  @Test
  void notAJvmIsRefusedAndLeftAlive() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    children.add(sleeper);
    CliRun run = CliRun.of("report", "--no-host", Long.toString(sleeper.pid()), "--duration", "0");
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("is not a Java VM"), run.err());
    assertTrue(sleeper.isAlive(), "the attach mechanism's SIGQUIT was not sent");
  }

  @Test
  void attachDisabled() throws Exception {
    Process child = childJvm("-XX:+DisableAttachMechanism");
    CliRun run = CliRun.of("snapshot", Long.toString(child.pid()));
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

  @Test
  void userWithoutAllJvmsIsAUsageError() {
    CliRun run = CliRun.of("report", "--no-host", "--user", "nobody", "--duration", "0");
    assertEquals(2, run.code());
    assertEquals(
        "timewait: --user chooses among --all-jvms: give --all-jvms too", run.errLine(), run.err());
  }
}
