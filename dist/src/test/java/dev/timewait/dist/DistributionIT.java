package dev.timewait.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive {@code mvn package} makes, unpacked into an empty folder and used from there as an
 * operator would: no source tree, {@code java} found on the PATH.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributionIT {
  static final String VERSION = System.getProperty("timewait.version", "0.1.0-SNAPSHOT");
  static final Path ARCHIVES = Path.of("target");
  static final Path SCHEMAS = Path.of(System.getProperty("timewait.schemaDir", "../docs/schema"));
  static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));

  @TempDir static Path unpacked;
  @TempDir static Path work;

  static Path home;
  static Process target;
  static final ObjectMapper JSON = new ObjectMapper();

  record Run(int code, String out, String err) {
    String errLine() {
      String line = err.strip();
      assertEquals(1, line.lines().count(), "one line on stderr: [" + err + "]");
      return line;
    }
  }

  @BeforeAll
  static void unpack() throws Exception {
    Path tar = ARCHIVES.resolve("timewait-" + VERSION + ".tar.gz");
    assertTrue(Files.isRegularFile(tar), tar + " made by mvn package");
    Process untar =
        new ProcessBuilder("tar", "xzf", tar.toAbsolutePath().toString())
            .directory(unpacked.toFile())
            .inheritIO()
            .start();
    assertEquals(0, untar.waitFor());
    home = unpacked.resolve("timewait-" + VERSION);
  }

  @AfterAll
  static void stopTarget() throws InterruptedException {
    if (target != null) {
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** {@code bin/timewait ARGS} from the work folder, java from the PATH, no JAVA_HOME. */
  static Run timewait(String... args) throws Exception {
    return run(Map.of(), args);
  }

  static Run run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/timewait").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
    builder.environment().remove("JAVA_HOME");
    builder.environment().put("PATH", JAVA_HOME.resolve("bin") + ":/usr/bin:/bin");
    builder.environment().putAll(env);
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "timewait " + String.join(" ", args));
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static Schema schema(String name) throws IOException {
    try (InputStream in = Files.newInputStream(SCHEMAS.resolve(name))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  static void assertValid(String schema, JsonNode json) throws IOException {
    assertEquals(List.of(), schema(schema).validate(json).stream().map(Object::toString).toList());
  }

  @Test
  @Order(1)
  void theArchivesHoldTheLauncherTheJarsTheExamplesCompletionAndManPages() throws Exception {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(home)) {
      walk.filter(Files::isRegularFile).forEach(p -> files.add(home.relativize(p).toString()));
    }
    for (String expected :
        List.of(
            "bin/timewait",
            "lib/timewait.jar",
            "lib/timewait-agent.jar",
            "lib/timewait-examples.jar",
            "examples/prometheus/jmx-exporter.yaml",
            "examples/prometheus/timewait-alerts.yml",
            "examples/prometheus/grafana-dashboard.json",
            "completion/timewait.bash",
            "man/man1/timewait.1",
            "man/man1/timewait-report.1",
            "man/man1/timewait-attach.1",
            "schema/timewait.report-1.schema.json",
            "schema/timewait.snapshot-1.schema.json")) {
      assertTrue(files.contains(expected), expected + " in " + files);
    }
    assertEquals(
        3, files.stream().filter(f -> f.endsWith(".jar")).count(), "no other jar: " + files);
    assertTrue(
        Files.getPosixFilePermissions(home.resolve("bin/timewait"))
            .contains(PosixFilePermission.OWNER_EXECUTE));

    Set<String> zipped = new TreeSet<>();
    try (ZipInputStream zip =
        new ZipInputStream(
            Files.newInputStream(ARCHIVES.resolve("timewait-" + VERSION + ".zip")))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        if (!entry.isDirectory()) {
          zipped.add(entry.getName().substring(entry.getName().indexOf('/') + 1));
        }
      }
    }
    assertEquals(files, zipped, "the zip holds what the tar.gz holds");
  }

  @Test
  @Order(2)
  void theLauncherFindsJavaAndRefusesAnOldOne() throws Exception {
    Run version = timewait("--version");
    assertEquals(0, version.code(), version.err());
    assertEquals("timewait " + VERSION, version.out().strip());

    Run withHome = run(Map.of("JAVA_HOME", JAVA_HOME.toString()), "--version");
    assertEquals(0, withHome.code(), withHome.err());

    Path old = Files.createDirectories(work.resolve("jdk11/bin"));
    Path fake = old.resolve("java");
    Files.writeString(
        fake, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\nexit 0\n");
    fake.toFile().setExecutable(true);
    Run tooOld = run(Map.of("JAVA_HOME", old.getParent().toString()), "--version");
    assertEquals(2, tooOld.code());
    assertTrue(
        tooOld.errLine().contains("is Java 11.0.21; timewait needs 17 or newer"), tooOld.err());

    Path link = Files.createSymbolicLink(work.resolve("tw"), home.resolve("bin/timewait"));
    Process linked = new ProcessBuilder(link.toString(), "--version").start();
    assertEquals(0, linked.waitFor(), "a symbolic link to the launcher works");
  }

  @Test
  @Order(3)
  void demoRunsFromTheUnpackedFolder() throws Exception {
    Path out = Files.createDirectories(work.resolve("demo"));
    Run demo = timewait("demo", "-d", "8s", "-o", out.toString());
    assertEquals(0, demo.code(), demo.out() + demo.err());
    assertTrue(demo.out().contains("Top code sites by active closes:"), demo.out());
    assertTrue(Files.readString(out.resolve("timewait-report.html")).startsWith("<!DOCTYPE html>"));
    assertTrue(Files.readString(out.resolve("timewait-report.md")).startsWith("# timewait report"));
  }

  @Test
  @Order(4)
  void attachReportSnapshotAndDetachOnARunningJvm() throws Exception {
    target =
        new ProcessBuilder(
                JAVA_HOME.resolve("bin/java").toString(),
                "-cp",
                Path.of("target/test-classes").toAbsolutePath().toString(),
                Sleeper.class.getName())
            .redirectError(work.resolve("target-stderr.txt").toFile())
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("ready", lines.readLine());
    String pid = Long.toString(target.pid());

    Run banana = timewait("attach", pid, "--options", "interval=banana");
    assertEquals(2, banana.code(), banana.err());
    assertTrue(banana.errLine().startsWith("timewait: --options: option 'interval'"), banana.err());
    assertEquals("", banana.out());

    Path agentSnapshot = work.resolve("agent-snapshot.json");
    Run attach =
        timewait("attach", pid, "--options", "snapshot=" + agentSnapshot + ",interval=500ms");
    assertEquals(0, attach.code(), attach.err());
    assertEquals("timewait agent running in pid " + pid, attach.out().strip());

    Run again = timewait("attach", pid, "--options", "interval=2s");
    assertEquals(1, again.code(), again.err());
    assertTrue(again.errLine().contains("not applied: interval=2s"), again.err());

    Path report = work.resolve("report.json");
    Run reported = timewait("report", pid, "-d", "2s", "-o", report.toString());
    assertEquals(0, reported.code(), reported.err());
    JsonNode json = JSON.readTree(report.toFile());
    assertValid("timewait.report-1.schema.json", json);
    assertEquals(target.pid(), json.at("/jvms/0/jvm/pid").asLong());

    Path saved = work.resolve("snapshot.json");
    Run snapshot = timewait("snapshot", pid, "-o", saved.toString());
    assertEquals(0, snapshot.code(), snapshot.err());
    assertValid("timewait.snapshot-1.schema.json", JSON.readTree(saved.toFile()));
    assertTrue(Files.exists(agentSnapshot), "the agent writes its snapshot file");
    assertValid("timewait.snapshot-1.schema.json", JSON.readTree(agentSnapshot.toFile()));

    Path jmxterm = Path.of("../agent/target/jmx-clients/jmxterm-uber.jar").toAbsolutePath();
    if (Files.isRegularFile(jmxterm)) {
      // The README's recipe for a JMX console, word for word but for the paths.
      String recipe =
          "jcmd PID ManagementAgent.start_local\n"
              + "URL=$(jcmd PID ManagementAgent.status | sed -n 's/^ *URL *: //p')\n"
              + "echo 'get -b dev.timewait:type=Closes ActiveCloses' |"
              + " java -jar JMXTERM -l \"$URL\" -n -v silent\n";
      Process console =
          new ProcessBuilder(
                  "sh",
                  "-c",
                  "PATH="
                      + JAVA_HOME.resolve("bin")
                      + ":$PATH; "
                      + recipe.replace("PID", pid).replace("JMXTERM", jmxterm.toString()))
              .redirectErrorStream(true)
              .start();
      String said = new String(console.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, console.waitFor(), said);
      assertTrue(said.matches("(?s).*ActiveCloses = \\d+;.*"), said);
    }

    Run detach = timewait("detach", pid);
    assertEquals(0, detach.code(), detach.err());
    assertEquals("timewait agent removed from pid " + pid, detach.out().strip());
    Run twice = timewait("detach", pid);
    assertEquals(1, twice.code());
    assertEquals(
        "timewait: pid " + pid + " has no timewait agent: nothing to remove", twice.errLine());
    assertTrue(target.isAlive(), "the application ran on throughout");
  }

  @Test
  @Order(5)
  void bashAndZshCompleteCommandsAndTheManPagesRender() throws Exception {
    Path script = home.resolve("completion/timewait.bash");
    Process bash =
        new ProcessBuilder(
                "bash",
                "-c",
                "source '"
                    + script
                    + "'; COMP_WORDS=(timewait rep); COMP_CWORD=1; COMP_LINE='timewait rep';"
                    + " COMP_POINT=12; _complete_timewait timewait rep timewait;"
                    + " echo \"${COMPREPLY[*]}\"")
            .start();
    assertEquals("report", new String(bash.getInputStream().readAllBytes()).strip());
    assertEquals(0, bash.waitFor());
    if (Files.isExecutable(Path.of("/usr/bin/zsh"))) {
      Process zsh =
          new ProcessBuilder(
                  "zsh",
                  "-c",
                  "source '" + script + "' && complete -p timewait >/dev/null && echo ok")
              .redirectErrorStream(true)
              .start();
      String said = new String(zsh.getInputStream().readAllBytes()).strip();
      assertEquals(0, zsh.waitFor(), said);
      assertTrue(said.endsWith("ok"), said);
    }
    Process man =
        new ProcessBuilder(
                "groff",
                "-ww",
                "-man",
                "-Tutf8",
                home.resolve("man/man1/timewait-report.1").toString())
            .start();
    String page = new String(man.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String warnings = new String(man.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, man.waitFor());
    assertEquals("", warnings, "groff warns about nothing");
    String plain = page.replaceAll(".\b", "");
    assertTrue(plain.contains("-d, --duration=DURATION"), plain);
    assertTrue(plain.contains("portCritical=0.8"), plain);
    assertFalse(plain.contains("${"), "no unexpanded placeholder");
  }
}
