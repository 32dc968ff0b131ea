package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenariosTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) throws InterruptedException {
    return Scenarios.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private List<String> lines(ByteArrayOutputStream stream) {
    String text = stream.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  @Test
  void listNamesEveryScenarioOnce() throws Exception {
    assertEquals(0, run("list"));

    List<String> names = lines(out).stream().map(line -> line.split("\t")[0]).toList();
    assertEquals(
        List.of(
            "client-churn",
            "client-churn-socket",
            "server-close",
            "apache-misuse",
            "apache-pooled",
            "jdk-idle-cutoff",
            "close-wait-leak",
            "linger-zero"),
        names);
  }

  @Test
  void badInputIsOneLineOnStderrAndExitTwo() throws Exception {
    String[][] bad = {
      {},
      {"no-such-scenario"},
      {"client-churn", "--requests", "0"},
      {"client-churn", "--requests", "many"},
      {"client-churn", "--rate", "-1"},
      {"client-churn", "--duration", "soon"},
      {"client-churn", "--host", "10.0.0.1"},
      {"client-churn", "--port", "70000"},
      {"client-churn", "--requests"},
      {"client-churn", "--verbose", "yes"},
    };
    for (String[] args : bad) {
      err.reset();
      out.reset();
      assertEquals(2, run(args), String.join(" ", args));
      assertEquals(1, lines(err).size(), () -> String.join(" ", args) + ": " + lines(err));
      assertEquals(List.of(), lines(out));
    }
  }

  @Test
  void singleRunPrintsOneSummaryAndWritesItsTuples(@TempDir Path dir) throws Exception {
    Path tuples = dir.resolve("tuples.txt");

    int status =
        run(
            "server-close",
            "--requests",
            "5",
            "--rate",
            "100",
            "--port",
            "23120",
            "--tuples",
            tuples.toString());

    assertEquals(0, status, () -> lines(err).toString());
    List<String> summary = lines(out);
    assertEquals(1, summary.size());
    assertTrue(
        summary.get(0).startsWith("scenario=server-close client=socket server=127.0.0.1:23120 "),
        summary.get(0));
    assertTrue(summary.get(0).contains(" requests=5 errors=0 connections=5 "), summary.get(0));
    assertTrue(summary.get(0).contains(" time_wait_side=server expected_time_wait=5 "));
    List<String> written = Files.readAllLines(tuples);
    assertEquals("# scenario state side local remote", written.get(0));
    assertEquals(6, written.size());
    assertTrue(
        written
            .get(1)
            .matches("server-close TIME_WAIT server 127\\.0\\.0\\.1:23120 127\\.0\\.0\\.1:\\d+"),
        written.get(1));
  }

  @Test
  void durationsAcceptUnits() {
    assertEquals(Duration.ofSeconds(20), ScenarioOptions.parseDuration("20s"));
    assertEquals(Duration.ofMillis(1500), ScenarioOptions.parseDuration("1500ms"));
    assertEquals(Duration.ofMinutes(2), ScenarioOptions.parseDuration("2m"));
    assertEquals(Duration.ofMillis(2500), ScenarioOptions.parseDuration("2.5"));
  }
}
