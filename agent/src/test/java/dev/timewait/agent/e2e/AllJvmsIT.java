package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jvms}, {@code attach}, {@code snapshot PID}, {@code report PID}, {@code report --all-jvms
 * --attach} and {@code detach}, run by {@code timewait.jar} as the unprivileged user {@code nobody}
 * against real JVMs of that user (one with the agent, one without, one that exits once it has been
 * read) and one of root: every JVM is listed or named with the reason, the report comes out, and no
 * command leaves a listening socket in any of them. The commands run as {@code nobody} so that the
 * host's other JVMs (root's) are only named, never attached to.
 */
class AllJvmsIT {

  private static final Path CLI_JAR =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"));
  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

  @TempDir Path dir;

  private final List<ChildJvm> children = new ArrayList<>();

  /** The JVMs whose listening sockets are compared, by their pid on this host. */
  private final List<Long> targets = new ArrayList<>();

  /** Whether the commands run as nobody (else as this user). */
  private boolean asNobody = true;

  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().filter(line -> !line.isBlank()).collect(Collectors.toList());
    }
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void everyJvmIsListedOrNamedAndNoneIsLeftListening(Jdk jdk) throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root, to run JVMs as nobody and as root");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    try {
      run(jdk);
    } finally {
      stopChildren();
    }
  }

  private void run(Jdk jdk) throws Exception {
    String jar = ChildJvm.agentJar().toAbsolutePath().toString();
    ChildJvm withAgent = start(jdk, true, true, List.of());
    ChildJvm without = start(jdk, true, false, List.of());
    ChildJvm ofRoot = start(jdk, false, false, List.of());
    Map<Long, Set<String>> listening = listening();

    withAgent.send("closes 5");
    withAgent.awaitLine("done 5");
    Result jvms = cli(listening, "jvms", "--format", "json");
    assertEquals(0, jvms.code(), jvms.err());
    JsonNode listed = byPid(new ObjectMapper().readTree(jvms.out()));
    JsonNode a = listed.get(Long.toString(withAgent.pid()));
    assertNotNull(a, jvms.out());
    assertTrue(a.get("agent").asBoolean(), a.toString());
    assertEquals("nobody", a.get("user").asText());
    assertEquals(AttachTargetApp.class.getName(), a.get("main").asText());
    assertTrue(a.get("javaVersion").asText().startsWith(feature(jdk)), a.toString());
    double perMinute = a.get("activeClosesPerMinute").asDouble();
    assertTrue(perMinute >= 1 && perMinute <= 5, "the 5 closes just made: " + a);
    JsonNode b = listed.get(Long.toString(without.pid()));
    assertFalse(b.get("agent").asBoolean(true), b.toString());
    assertTrue(b.get("problem").isNull(), b.toString());
    assertFalse(
        Files.exists(Path.of("/tmp/.java_pid" + without.pid())),
        "a JVM without the agent is listed without attaching to it");
    JsonNode c = listed.get(Long.toString(ofRoot.pid()));
    assertTrue(c.get("problem").asText().startsWith("run by root"), c.toString());
    Result attach = cli(listening, "attach", pid(without), "--agent-jar", jar);
    assertEquals(0, attach.code(), attach.err());
    assertEquals("timewait agent running in pid " + without.pid(), attach.out().strip());

    Result snapshot = cli(listening, "snapshot", pid(withAgent));
    assertEquals(0, snapshot.code(), snapshot.err());
    JsonNode snap = new ObjectMapper().readTree(snapshot.out());
    assertEquals(withAgent.pid(), snap.at("/jvm/pid").asLong());
    assertEquals(5, snap.at("/totals/byRole/CLIENT/active").asLong(), snapshot.out());

    Result report = cli(listening, "report", "--no-host", pid(withAgent), "-d", "0", "-f", "json");
    assertEquals(0, report.code(), report.err());
    assertEquals("", report.err());

    ChildJvm exiting = start(jdk, true, true, List.of("exit-after-read"));
    listening.put(exiting.pid(), Set.of()); // gone after the report: its listener goes with it
    Result all =
        cli(
            listening,
            "report",
            "--all-jvms",
            "--attach",
            "--agent-jar",
            jar,
            "-d",
            "2s",
            "-f",
            "json");
    assertEquals(0, all.code(), all.err());
    Set<Long> reported = new TreeSet<>();
    for (JsonNode jvm : new ObjectMapper().readTree(all.out()).get("jvms")) {
      reported.add(jvm.at("/jvm/pid").asLong());
    }
    assertTrue(reported.contains(withAgent.pid()), reported + " " + all.err());
    assertTrue(reported.contains(without.pid()), reported + " " + all.err());
    assertEquals(
        1,
        all.errLines().stream().filter(line -> line.contains("pid " + ofRoot.pid() + ":")).count(),
        all.err());
    assertTrue(all.err().contains("pid " + ofRoot.pid() + ": run by root"), all.err());
    assertEquals(
        1,
        all.errLines().stream().filter(line -> line.contains("pid " + exiting.pid())).count(),
        "the JVM that exited during the run: " + all.err());
    assertTrue(all.out().contains("pid " + ofRoot.pid()), "named among the sources");

    Result detach = cli(listening, "detach", pid(without));
    assertEquals(0, detach.code(), detach.err());
    assertEquals("timewait agent removed from pid " + without.pid(), detach.out().strip());
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void aJvmInItsOwnPidAndMountNamespacesIsFoundAttachedReadAndDetached(Jdk jdk) throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root, for unshare -m -p");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "needs unshare (util-linux)");
    asNobody = false; // root, as on a node; only the two JVMs named by pid are attached to
    try {
      runInNamespaces(jdk);
    } finally {
      stopChildren();
    }
  }

  private void runInNamespaces(Jdk jdk) throws Exception {
    String jar = ChildJvm.agentJar().toAbsolutePath().toString();
    long withAgent = startContained(jdk, true);
    long without = startContained(jdk, false);
    assertFalse(
        Files.isSameFile(Path.of("/tmp"), Path.of("/proc", Long.toString(without), "root", "tmp")),
        "the JVM has a /tmp of its own");
    Map<Long, Set<String>> listening = listening();

    Result jvms = cli(listening, "jvms", "--format", "json");
    assertEquals(0, jvms.code(), jvms.err());
    JsonNode listed = byPid(new ObjectMapper().readTree(jvms.out()));
    JsonNode a = listed.get(Long.toString(withAgent));
    assertNotNull(a, "found through /proc: " + jvms.out());
    assertEquals(1, a.get("nsPid").asLong());
    assertTrue(a.get("agent").asBoolean(), a.toString());
    assertTrue(a.get("javaVersion").asText().startsWith(feature(jdk)), a.toString());
    assertFalse(listed.get(Long.toString(without)).get("agent").asBoolean(true), jvms.out());

    Result attach = cli(listening, "attach", Long.toString(without), "--agent-jar", jar);
    assertEquals(0, attach.code(), attach.err());
    assertEquals("timewait agent running in pid " + without, attach.out().strip());
    Result snapshot = cli(listening, "snapshot", Long.toString(withAgent));
    assertEquals(0, snapshot.code(), snapshot.err());
    assertEquals(1, new ObjectMapper().readTree(snapshot.out()).at("/jvm/pid").asLong());
    Result report =
        cli(
            listening,
            "report",
            "--no-host",
            Long.toString(withAgent),
            Long.toString(without),
            "-d",
            "0",
            "-f",
            "json");
    assertEquals(0, report.code(), report.err());
    assertEquals(2, new ObjectMapper().readTree(report.out()).get("jvms").size(), report.out());
    Result detach = cli(listening, "detach", Long.toString(without));
    assertEquals(0, detach.code(), detach.err());
    assertEquals("timewait agent removed from pid " + without, detach.out().strip());
    try (DirectoryStream<Path> left =
        Files.newDirectoryStream(
            Path.of("/proc", Long.toString(withAgent), "root", "tmp"), ".timewait-*")) {
      for (Path folder : left) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
          assertFalse(files.iterator().hasNext(), "no request or snapshot left in " + folder);
        }
      }
    }
  }

  /**
   * A JVM in new pid and mount namespaces with a private {@code /tmp}, as in a container; its pid
   * on this host.
   */
  private long startContained(Jdk jdk, boolean agent) throws Exception {
    ChildJvm.Builder builder =
        ChildJvm.on(jdk)
            .jvmArgs("-Xmx48m", "-XX:+EnableDynamicAgentLoading")
            .mainClass(AttachTargetApp.class)
            .launcher(Contained.launcher(List.of()));
    if (agent) {
      builder.agent("interval=1s");
    }
    ChildJvm child = builder.start();
    children.add(child);
    assertEquals("ready 1", child.awaitLine("ready"), "pid 1 of its namespace");
    long pid = Contained.javaBelow(child.pid());
    targets.add(pid);
    return pid;
  }

  /** Asks each child to exit, so that its agent removes its request folder, then kills it. */
  private void stopChildren() throws InterruptedException {
    for (ChildJvm child : children) {
      try {
        if (child.isAlive()) {
          child.send("exit");
          child.waitFor(10);
        }
      } catch (IOException | IllegalStateException e) {
        // gone already, or killed by waitFor
      }
      child.kill();
    }
  }

  private ChildJvm start(Jdk jdk, boolean asNobody, boolean agent, List<String> args)
      throws Exception {
    ChildJvm.Builder builder =
        ChildJvm.on(jdk)
            .jvmArgs("-Xmx48m", "-XX:+EnableDynamicAgentLoading")
            .mainClass(AttachTargetApp.class)
            .args(args);
    if (asNobody) {
      builder.launcher(AS_NOBODY.toArray(new String[0]));
    }
    if (agent) {
      builder.agent("interval=1s");
    }
    ChildJvm child = builder.start();
    children.add(child);
    targets.add(child.pid());
    assertEquals("ready " + child.pid(), child.awaitLine("ready"));
    return child;
  }

  /** Runs {@code timewait.jar} as nobody; the JVMs' listening sockets must be as before. */
  private Result cli(Map<Long, Set<String>> expected, String... args) throws Exception {
    List<String> command = new ArrayList<>(asNobody ? AS_NOBODY : List.of());
    command.addAll(
        List.of(Jdk.current().java().toString(), "-jar", CLI_JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(Path.of("/tmp").toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    String name = "timewait " + String.join(" ", args);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), name);
    Result result =
        new Result(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    assertEquals(expected, listening(), "listening sockets after " + name);
    return result;
  }

  private static String pid(ChildJvm child) {
    return Long.toString(child.pid());
  }

  private static String feature(Jdk jdk) throws IOException {
    for (String line : Files.readAllLines(jdk.home().resolve("release"))) {
      if (line.startsWith("JAVA_VERSION=")) {
        String version = line.substring(14, line.length() - 1);
        int dot = version.indexOf('.');
        return dot < 0 ? version : version.substring(0, dot);
      }
    }
    throw new IOException("no JAVA_VERSION in " + jdk.home());
  }

  private static JsonNode byPid(JsonNode listing) {
    com.fasterxml.jackson.databind.node.ObjectNode byPid = new ObjectMapper().createObjectNode();
    for (JsonNode jvm : listing.get("jvms")) {
      byPid.set(jvm.get("pid").asText(), jvm);
    }
    return byPid;
  }

  /** The listening TCP sockets of each child, from its descriptors and its /proc/PID/net/tcp*. */
  private Map<Long, Set<String>> listening() throws IOException {
    Map<Long, Set<String>> all = new TreeMap<>();
    for (long pid : targets) {
      all.put(pid, listening(pid));
    }
    return all;
  }

  static Set<String> listening(long pid) throws IOException {
    Path proc = Path.of("/proc", Long.toString(pid));
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return Set.of(); // the process has gone
    }
    Set<String> listening = new TreeSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> rows;
      try {
        rows = Files.readAllLines(proc.resolve("net").resolve(table));
      } catch (IOException e) {
        continue;
      }
      for (String row : rows.subList(1, rows.size())) {
        String[] fields = row.trim().split("\\s+");
        if (fields.length > 9 && fields[3].equals("0A") && inodes.contains(fields[9])) {
          listening.add(table + " " + fields[1]);
        }
      }
    }
    return listening;
  }
}
