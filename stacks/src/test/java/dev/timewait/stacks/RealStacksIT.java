package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real-stacks suite: every case application in a child JVM with the shaded agent, on this JVM's
 * JDK and on JDK 25 where installed, in a network namespace of the suite's own with PostgreSQL and
 * redis-server started in it. After each child exits, its snapshot is compared with the kernel's
 * account of the run ({@link StackComparison}); then each case runs once more under the debugger
 * interface, without the agent, to record the thread and stack of every connect and close ({@link
 * StackProbe}). The table goes to {@code stacks.reportDir} and to the {@code ## Real stacks}
 * section of {@code docs/TRUTH.md}.
 *
 * <p>Failed checks listed as known gaps in {@link StackCases} print as {@code KNOWN GAP} while
 * {@code -Dstacks.expectKnownGaps} is true (the default); any other failed check fails the test.
 * {@code -Dstacks.cases=a,b} runs only those cases (and leaves docs/TRUTH.md alone); {@code
 * -Dstacks.probe=all|newest|none} says on which JDKs the probe runs (the newest by default).
 */
class RealStacksIT {
  static final int CALLS = 20;
  static final int PROBE_CALLS = 3;
  private static final long CHILD_TIMEOUT_SECONDS = 90;
  private static final long SETTLE_MILLIS = 3000;
  private static final int POSTGRES_PORT = 15432;
  private static final int REDIS_PORT = 16379;
  private static final int FIRST_SERVER_PORT = 21000;
  private static final int FIRST_EPHEMERAL_PORT = 30000;
  private static final int EPHEMERAL_PORTS_PER_RUN = 400;

  private static final Path AGENT_JAR =
      Path.of(System.getProperty("timewait.agentJar", "../agent/target/timewait-agent.jar"));
  private static final Path CLASSES =
      Path.of(System.getProperty("stacks.classes", "target/classes"));
  private static final Path CLASSPATH_FILE =
      Path.of(System.getProperty("stacks.classpathFile", "target/case-classpath.txt"));
  private static final Path BOOT_JAR =
      Path.of(System.getProperty("stacks.bootJar", "target/timewait-stacks-boot.jar"));
  private static final Path REPORT_DIR =
      Path.of(System.getProperty("stacks.reportDir", "target/stacks"));
  private static final String TRUTH_DOC = System.getProperty("stacks.truthDoc", "");
  private static final boolean EXPECT_KNOWN_GAPS =
      Boolean.parseBoolean(System.getProperty("stacks.expectKnownGaps", "true"));
  private static final String ONLY = System.getProperty("stacks.cases", "");

  /** Which JDKs the probe runs on: {@code newest} (the default), {@code all} or {@code none}. */
  private static final String PROBE = System.getProperty("stacks.probe", "newest");

  private final SnapshotReader reader = new SnapshotReader();
  private int runs;

  /** A JDK the children run on. */
  private record Jdk(Path home, String version, int feature) {
    Path java() {
      return home.resolve("bin").resolve("java");
    }
  }

  /** The probe's groups of one case on one JDK. */
  private record Probe(StackCase stackCase, Jdk jdk, Map<ProbeSummary.Group, Integer> groups) {}

  @Test
  void eachLibraryAgreesWithTheKernel() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux");
    String unavailable = NetNamespace.unavailable();
    Assumptions.assumeTrue(unavailable == null, unavailable);
    String noCapture = WireCapture.unavailable();
    Assumptions.assumeTrue(noCapture == null, noCapture);
    for (Path needed : List.of(AGENT_JAR, CLASSPATH_FILE, BOOT_JAR, CLASSES)) {
      assertTrue(Files.exists(needed), "missing: " + needed + " (build with mvn verify)");
    }
    Files.createDirectories(REPORT_DIR);
    List<Jdk> jdks = jdks();
    List<StackCase> cases = selectedCases();
    String classPath = CLASSES.toAbsolutePath() + ":" + Files.readString(CLASSPATH_FILE).strip();

    List<CaseOutcome> outcomes = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<Probe> probes = new ArrayList<>();
    long started = System.nanoTime();
    try (NetNamespace namespace = NetNamespace.create();
        Servers servers = Servers.start(namespace, cases)) {
      for (Jdk jdk : jdks) {
        for (StackCase stackCase : cases) {
          String why = why(stackCase, jdk, servers);
          if (why != null) {
            skipped.add(stackCase.id() + " on " + jdk.version() + ": " + why);
            continue;
          }
          outcomes.add(measure(namespace, servers, stackCase, jdk, classPath));
        }
      }
      long measured = System.nanoTime();
      for (Jdk jdk : probeJdks(jdks)) {
        for (StackCase stackCase : cases) {
          if (why(stackCase, jdk, servers) == null) {
            probes.add(probe(namespace, servers, stackCase, jdk, classPath));
          }
        }
      }
      System.out.printf(
          "real stacks: measured in %d s, probed in %d s%n",
          TimeUnit.NANOSECONDS.toSeconds(measured - started),
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - measured));
    }

    List<String> failures = new ArrayList<>();
    for (CaseOutcome outcome : outcomes) {
      String where = outcome.stackCase().id() + " on " + outcome.jdk();
      for (Check check : outcome.failed()) {
        String detail = where + ": " + check.label() + ": " + outcome.results().get(check);
        if (outcome.unexpected(EXPECT_KNOWN_GAPS).contains(check)) {
          failures.add(detail);
        } else {
          System.out.println(
              "KNOWN GAP: " + detail + " [" + outcome.stackCase().knownGaps().get(check) + "]");
        }
      }
      for (Check check : outcome.gapsClosed()) {
        System.out.println(
            "KNOWN GAP PASSED: "
                + where
                + ": "
                + check.label()
                + " (remove it from StackCases once it passes on every run)");
      }
    }
    skipped.forEach(line -> System.out.println("SKIPPED: " + line));

    String section = StacksReport.section(outcomes, probes(probes), skipped, jdkNames(jdks));
    Files.writeString(REPORT_DIR.resolve("STACKS.md"), section, StandardCharsets.UTF_8);
    Files.writeString(
        REPORT_DIR.resolve("STACKS-threads.md"),
        StacksReport.stacks(probes(probes)),
        StandardCharsets.UTF_8);
    System.out.println(section);
    if (ONLY.isEmpty() && !TRUTH_DOC.isEmpty() && Files.isRegularFile(Path.of(TRUTH_DOC))) {
      Path doc = Path.of(TRUTH_DOC);
      Files.writeString(
          doc,
          TruthSection.replace(Files.readString(doc, StandardCharsets.UTF_8), section),
          StandardCharsets.UTF_8);
    }
    assertTrue(failures.isEmpty(), "real stacks:\n" + String.join("\n", failures));
  }

  private static List<StacksReport.ProbeRows> probes(List<Probe> probes) {
    List<StacksReport.ProbeRows> rows = new ArrayList<>();
    for (Probe probe : probes) {
      rows.add(
          new StacksReport.ProbeRows(probe.stackCase(), probe.jdk().version(), probe.groups()));
    }
    return rows;
  }

  private static List<Jdk> probeJdks(List<Jdk> jdks) {
    switch (PROBE) {
      case "all":
        return jdks;
      case "none":
        return List.of();
      default:
        return List.of(
            jdks.stream().max((a, b) -> Integer.compare(a.feature(), b.feature())).get());
    }
  }

  private static List<String> jdkNames(List<Jdk> jdks) {
    return jdks.stream().map(jdk -> jdk.version() + " (" + jdk.home() + ")").toList();
  }

  private static List<StackCase> selectedCases() {
    if (ONLY.isEmpty()) {
      return StackCases.all();
    }
    Set<String> wanted = Set.of(ONLY.split(","));
    return StackCases.all().stream().filter(c -> wanted.contains(c.id())).toList();
  }

  /** Why the case cannot run on this JDK here, or null. */
  private static String why(StackCase stackCase, Jdk jdk, Servers servers) {
    if (jdk.feature() < stackCase.minJdk()) {
      return "needs JDK " + stackCase.minJdk();
    }
    return servers.unavailable(stackCase.server());
  }

  private CaseOutcome measure(
      NetNamespace namespace, Servers servers, StackCase stackCase, Jdk jdk, String classPath)
      throws Exception {
    int run = runs++;
    int serverPort = serverPort(servers, stackCase, run);
    namespace.ephemeralPorts(ephemeralLow(run), ephemeralLow(run) + EPHEMERAL_PORTS_PER_RUN - 1);
    Path dir = REPORT_DIR.resolve(jdk.feature() + "-" + stackCase.id());
    Files.createDirectories(dir);
    Path snapshotFile = dir.resolve("snapshot.json");
    Files.deleteIfExists(snapshotFile);
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    // jmxDelay=0s: the host thread takes its first table sample at once, so that a child shorter
    // than the default second still has the look for resets after the FIN at its exit
    command.add(
        "-javaagent:"
            + AGENT_JAR.toAbsolutePath()
            + "=snapshot="
            + snapshotFile
            + ",interval=1s,jmxDelay=0s");
    command.addAll(launch(stackCase, classPath, servers, serverPort, CALLS));

    KernelView before = KernelView.read(namespace);
    KernelRun kernel;
    int exit;
    try (WireCapture capture = WireCapture.start(namespace, dir.resolve("closes.pcap"))) {
      exit = runChild(namespace, command, dir, stackCase, jdk);
      // TIME_WAIT lasts 60 s: the kernel is read the moment the child has gone and the server's
      // last ends have closed.
      List<String> unsettled = KernelView.awaitSettled(namespace, serverPort, SETTLE_MILLIS);
      KernelView after = KernelView.read(namespace);
      long dropped = capture.stop(after.activeOpens() - before.activeOpens(), serverPort);
      kernel = after.since(before, PcapReader.read(capture.file()), dropped, unsettled);
    }
    Snapshot snapshot = reader.read(snapshotFile);
    StackComparison.ChildRun child = summary(dir.resolve("stdout.txt"), exit);
    CaseOutcome outcome =
        StackComparison.compare(
            stackCase, snapshot.jvm().javaVersion(), serverPort, CALLS, child, kernel, snapshot);
    System.out.printf(
        "%s on %s: kernel %s | agent %s | named %s | failed %s%n",
        stackCase.id(),
        outcome.jdk(),
        outcome.kernel(),
        outcome.agent(),
        outcome.named(),
        outcome.failed());
    return outcome;
  }

  private Probe probe(
      NetNamespace namespace, Servers servers, StackCase stackCase, Jdk jdk, String classPath)
      throws Exception {
    int run = runs++;
    int serverPort = serverPort(servers, stackCase, run);
    namespace.ephemeralPorts(ephemeralLow(run), ephemeralLow(run) + EPHEMERAL_PORTS_PER_RUN - 1);
    Path dir = REPORT_DIR.resolve(jdk.feature() + "-" + stackCase.id() + "-probe");
    Files.createDirectories(dir);
    Path events = dir.resolve("events.tsv");
    List<String> command = new ArrayList<>();
    command.add(jdk.java().toString());
    command.add("-cp");
    command.add(
        Path.of(StackProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    command.add(StackProbe.class.getName());
    command.add(events.toString());
    command.add("--");
    command.add(jdk.java().toString());
    command.addAll(launch(stackCase, classPath, servers, serverPort, PROBE_CALLS));
    int exit = runChild(namespace, command, dir, stackCase, jdk);
    if (exit != 0) {
      throw new IllegalStateException(
          stackCase.id()
              + " under the probe on "
              + jdk.version()
              + " exited "
              + exit
              + ": "
              + Files.readString(dir.resolve("stderr.txt")));
    }
    return new Probe(stackCase, jdk, ProbeSummary.summarize(Files.readAllLines(events)));
  }

  /** The child's arguments after {@code java} and its options. */
  private static List<String> launch(
      StackCase stackCase, String classPath, Servers servers, int serverPort, int calls) {
    List<String> args = new ArrayList<>();
    if (stackCase.bootCase() != null) {
      args.add("-jar");
      args.add(BOOT_JAR.toAbsolutePath().toString());
      args.add(stackCase.bootCase());
    } else {
      args.add("-cp");
      args.add(classPath);
      args.add(stackCase.mainClass());
    }
    args.addAll(List.of("--port", String.valueOf(serverPort), "--calls", String.valueOf(calls)));
    if (stackCase.server() == StackCase.Server.POSTGRES) {
      args.addAll(List.of("--user", servers.postgresUser()));
    }
    return args;
  }

  private static int runChild(
      NetNamespace namespace, List<String> command, Path dir, StackCase stackCase, Jdk jdk)
      throws IOException, InterruptedException {
    Process child =
        new ProcessBuilder(namespace.inside(command))
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .start();
    if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(
          stackCase.id()
              + " on "
              + jdk.version()
              + " still running after "
              + CHILD_TIMEOUT_SECONDS
              + " s");
    }
    return child.exitValue();
  }

  private static StackComparison.ChildRun summary(Path stdout, int exit) throws IOException {
    for (String line : Files.readAllLines(stdout)) {
      if (line.startsWith("stacks-case ")) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : line.split(" ")) {
          int equals = field.indexOf('=');
          if (equals > 0) {
            fields.put(field.substring(0, equals), field.substring(equals + 1));
          }
        }
        return new StackComparison.ChildRun(
            exit, Integer.parseInt(fields.get("calls")), Integer.parseInt(fields.get("errors")));
      }
    }
    return new StackComparison.ChildRun(exit, 0, 0);
  }

  private static int serverPort(Servers servers, StackCase stackCase, int run) {
    switch (stackCase.server()) {
      case POSTGRES:
        return servers.postgresPort();
      case REDIS:
        return servers.redisPort();
      default:
        return FIRST_SERVER_PORT + run;
    }
  }

  private static int ephemeralLow(int run) {
    return FIRST_EPHEMERAL_PORT + run * EPHEMERAL_PORTS_PER_RUN;
  }

  /** This JVM's JDK, and JDK 25 where installed. */
  private static List<Jdk> jdks() throws IOException {
    List<Jdk> jdks = new ArrayList<>();
    Path own = Path.of(System.getProperty("java.home"));
    jdks.add(jdk(own));
    Path jdk25 = Path.of(System.getProperty("timewait.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    if (Files.isExecutable(jdk25.resolve("bin/java"))
        && !Files.isSameFile(jdk25.resolve("bin/java"), own.resolve("bin/java"))) {
      jdks.add(jdk(jdk25));
    }
    return jdks;
  }

  private static Jdk jdk(Path home) throws IOException {
    String version = null;
    Path release = home.resolve("release");
    if (Files.isReadable(release)) {
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
        }
      }
    }
    if (version == null) {
      version =
          home.toString().equals(System.getProperty("java.home"))
              ? System.getProperty("java.version")
              : "unknown";
    }
    String major = version.split("[.+-]")[0];
    return new Jdk(home, version, major.matches("\\d+") ? Integer.parseInt(major) : 0);
  }

  /** Measured at, for the report. */
  static String now() {
    return ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
  }

  /**
   * The servers of the cases, in the namespace; each may be missing, with the reason. They are
   * stopped at the end, or when the test JVM is stopped (PostgreSQL runs detached from it).
   */
  static final class Servers implements AutoCloseable {
    private PostgresServer postgres;
    private RedisServer redis;
    private String postgresMissing;
    private String redisMissing;
    private final Thread onExit = new Thread(this::stopQuietly, "stacks-servers-stop");

    static Servers start(NetNamespace namespace, List<StackCase> cases) throws Exception {
      Servers servers = new Servers();
      Runtime.getRuntime().addShutdownHook(servers.onExit);
      try {
        if (cases.stream().anyMatch(c -> c.server() == StackCase.Server.POSTGRES)) {
          servers.postgresMissing = PostgresServer.unavailable();
          if (servers.postgresMissing == null) {
            servers.postgres = PostgresServer.start(namespace, POSTGRES_PORT);
          }
        }
        if (cases.stream().anyMatch(c -> c.server() == StackCase.Server.REDIS)) {
          servers.redisMissing = RedisServer.unavailable();
          if (servers.redisMissing == null) {
            servers.redis = RedisServer.start(namespace, REDIS_PORT);
          }
        }
      } catch (Exception e) {
        servers.close();
        throw e;
      }
      return servers;
    }

    String unavailable(StackCase.Server server) {
      switch (server) {
        case POSTGRES:
          return postgresMissing;
        case REDIS:
          return redisMissing;
        default:
          return null;
      }
    }

    int postgresPort() {
      return postgres.port();
    }

    String postgresUser() {
      return postgres.user();
    }

    int redisPort() {
      return redis.port();
    }

    /** On the test JVM's stop: the servers, and every process the suite started and left. */
    private void stopQuietly() {
      try {
        stop();
      } catch (Exception e) {
        System.err.println("stopping the servers: " + e);
      }
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }

    private synchronized void stop() throws Exception {
      try {
        if (postgres != null) {
          postgres.close();
        }
      } finally {
        postgres = null;
        if (redis != null) {
          redis.close();
        }
        redis = null;
      }
    }

    @Override
    public void close() throws Exception {
      stop();
      Runtime.getRuntime().removeShutdownHook(onExit);
    }
  }
}
