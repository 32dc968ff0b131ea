package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.HostTreeBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code target/timewait.jar} with {@code java -jar}, as users do. */
class TimewaitJarIT {

  static final Path JAR = Path.of("target", "timewait.jar");

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "timewait.jar finished");
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void versionAndHelp() throws Exception {
    Result version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("timewait 0."), version.out());
    Result help = run("report", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--host-root=DIR"));
  }

  @Test
  void badUsageIsOneLineAndExitTwo() throws Exception {
    Result result = run("report", "--frobnicate");
    assertEquals(2, result.code());
    assertEquals(1, result.err().strip().lines().count(), result.err());
    assertFalse(result.err().contains("Exception"), result.err());
  }

  @Test
  void htmlReportFromTheShadedJarEmbedsChartJs() throws Exception {
    HostTreeBuilder.healthy(dir.resolve("host")).sysctl("net.ipv4.tcp_timestamps", "0").build();
    Path html = dir.resolve("report.html");
    Result result =
        run(
            "report",
            "--host-root",
            dir.resolve("host").toString(),
            "--format",
            "html",
            "--out",
            html.toString(),
            "--fail-on",
            "warning");
    assertEquals(1, result.code(), result.err());
    String page = Files.readString(html);
    assertTrue(page.contains("TIMESTAMPS_DISABLED"));
    assertTrue(page.length() > 200_000, "Chart.js is inside the report");
  }

  @Test
  void liveReportOnThisHost() throws Exception {
    Result result = run("report", "--duration", "3s", "--format", "json");
    assertEquals(0, result.code(), result.err());
    assertTrue(result.out().contains("\"schema\" : \"timewait.report/1\""), result.out());
    long points = result.out().split("\"at\" :", -1).length - 1;
    assertTrue(points >= 3, "start, counter samples each second, end: " + points);
  }

  @Test
  void aKilledReportLeavesThePreviousFileWhole() throws Exception {
    Path host = dir.resolve("host");
    HostTreeBuilder.healthy(host)
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 60)
        .build();
    Path report = dir.resolve("report.json");
    String[] args = {
      "report", "--host-root", host.toString(), "--format", "json", "--out", report.toString()
    };
    long started = System.nanoTime();
    assertEquals(0, run(args).code());
    long fullRunMillis = (System.nanoTime() - started) / 1_000_000;
    String whole = Files.readString(report);
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 8; round++) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-jar", JAR.toString()));
      command.addAll(List.of(args));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread.sleep(random.nextInt((int) fullRunMillis + 1));
      process.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up
      process.waitFor(30, TimeUnit.SECONDS);
      String after = Files.readString(report);
      com.fasterxml.jackson.databind.JsonNode json =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(after);
      assertEquals("timewait.report/1", json.get("schema").asText(), "round " + round);
      assertEquals(whole.length(), after.length(), "round " + round + ": a whole report");
    }
  }
}
