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
    assertOneLine(CliRun.of("demo", "--duration", "3s"), "--duration must be between 7 s");
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

  @Test
  void missingExamplesJar() throws Exception {
    Path agent = Files.writeString(dir.resolve("timewait-agent.jar"), "x");
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
    Path jar = Files.writeString(dir.resolve("some.jar"), "x");
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
