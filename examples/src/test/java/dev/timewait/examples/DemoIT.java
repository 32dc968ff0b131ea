package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.KernelTcpTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code java -jar analyzer/target/timewait.jar demo} as a user would right after the build:
 * it must find the agent and examples jars of the source tree on its own, run the scenarios and
 * write both reports with the findings the scenarios are made to cause.
 */
class DemoIT {
  private static final Path CLI_JAR =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"));

  @TempDir Path out;

  @Test
  void demoWritesBothReportsWithTheScenariosFindings() throws Exception {
    Assumptions.assumeTrue(
        KernelTcpTable.available(), "no /proc/net/tcp: the demo's checks need Linux");
    assertTrue(Files.isRegularFile(CLI_JAR), "timewait.jar missing: " + CLI_JAR);
    Path stdout = out.resolve("stdout.txt");
    Path stderr = out.resolve("stderr.txt");
    Path reports = out.resolve("reports");

    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                CLI_JAR.toAbsolutePath().toString(),
                "demo",
                "--duration",
                "21s",
                "--out",
                reports.toString())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!demo.waitFor(120, TimeUnit.SECONDS)) {
      demo.destroyForcibly();
      throw new AssertionError("demo still running after 120 s");
    }
    String printed = Files.readString(stdout, StandardCharsets.UTF_8);
    assertEquals(0, demo.exitValue(), printed + Files.readString(stderr));

    Path markdown = reports.resolve("timewait-report.md");
    Path html = reports.resolve("timewait-report.html");
    assertTrue(Files.isRegularFile(html), "no " + html);
    String md = Files.readString(markdown, StandardCharsets.UTF_8);
    for (String site :
        List.of(
            "ClientChurnScenario",
            "ApacheHttpClientMisuseScenario",
            "LoopbackHttpServer.serve",
            "LingerZeroScenario",
            "CloseWaitLeakScenario.requestAndForget")) {
      assertTrue(md.contains(site), "the Markdown report does not name " + site);
    }
    for (String id :
        List.of(
            "CLIENT_CHURN_SITE",
            "SERVER_ACTIVE_CLOSE",
            "ABORTIVE_CLOSES",
            "CLOSE_WAIT_LEAK",
            "SERVER_IDLE_CUTOFF")) {
      assertTrue(md.contains("`" + id + "`"), "no " + id + " in the Markdown report");
      assertTrue(printed.contains(id), "no " + id + " in the summary:\n" + printed);
    }
    assertTrue(
        Files.readString(html, StandardCharsets.UTF_8).contains("CLOSE_WAIT_LEAK"),
        "no CLOSE_WAIT_LEAK in the HTML report");
    assertTrue(printed.contains(markdown.toAbsolutePath().toString()), printed);
    assertTrue(printed.contains(html.toAbsolutePath().toString()), printed);
  }
}
