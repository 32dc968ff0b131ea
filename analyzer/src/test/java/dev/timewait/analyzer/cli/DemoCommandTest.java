package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to {@code demo}: one line on stderr, exit 2, and no child JVM started. The run itself
 * is tested end to end in the examples module, where the agent and examples jars exist.
 */
class DemoCommandTest {

  @TempDir Path dir;

  private static void assertOneLine(CliRun run, String expected) {
    assertEquals(2, run.code(), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.errLine().contains(expected), run.err());
    assertEquals("", run.out());
  }

  @Test
  void durationShorterThanOneSecondPerScenario() {
    assertOneLine(CliRun.of("demo", "--duration", "3s"), "--duration must be between 8 s");
  }

  @Test
  void durationThatIsNoDuration() {
    assertOneLine(CliRun.of("demo", "--duration", "soon"), "'soon' is not a duration");
  }

  @Test
  void outThatIsAFile() throws Exception {
    Path file = Files.writeString(dir.resolve("report.md"), "x");
    assertOneLine(
        CliRun.of("demo", "--out", file.toString()), "--out must be a directory: " + file);
  }

  /** A jar whose manifest makes it an agent jar; nothing in it runs, since no child starts. */
  private Path agentJar() throws Exception {
    java.util.jar.Manifest manifest = new java.util.jar.Manifest();
    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", "example.Agent");
    Path jar = dir.resolve("timewait-agent.jar");
    try (java.io.OutputStream file = Files.newOutputStream(jar);
        java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(file, manifest)) {
      out.putNextEntry(new java.util.jar.JarEntry("example/"));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void agentJarThatIsNoAgent() throws Exception {
    Path plain = Files.writeString(dir.resolve("timewait-agent-classes.jar"), "x");
    assertOneLine(
        CliRun.of("demo", "-o", dir.toString(), "--agent-jar", plain.toString()),
        "is not an agent jar");
  }

  @Test
  void missingExamplesJar() throws Exception {
    Path agent = agentJar();
    assertOneLine(
        CliRun.of(
            "demo",
            "--out",
            dir.toString(),
            "--agent-jar",
            agent.toString(),
            "--examples-jar",
            dir.resolve("none.jar").toString()),
        "examples jar not found: ");
  }

  @Test
  void missingJava() throws Exception {
    Path jar = agentJar();
    assertOneLine(
        CliRun.of(
            "demo",
            "--out",
            dir.toString(),
            "--agent-jar",
            jar.toString(),
            "--examples-jar",
            jar.toString(),
            "--java",
            dir.resolve("no-java").toString()),
        "not an executable: ");
  }
}
