package dev.timewait.analyzer.cli;

import dev.timewait.analyzer.report.Report;
import dev.timewait.analyzer.report.ReportBuilder;
import dev.timewait.analyzer.report.ReportRenderer;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the example scenarios in a child JVM with the agent, samples this host meanwhile, and writes
 * the HTML and Markdown reports of what it saw.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the example scenarios (client churn, server-side close, Apache HttpClient misused and"
          + " pooled, a JDK HttpClient pool outliving the server's idle timeout, a CLOSE_WAIT leak,"
          + " linger 0) in a child JVM with the agent, sample this host"
          + " meanwhile, and write timewait-report.html and timewait-report.md."
    },
    footer = {"", "Exit codes: 0 reports written, 2 bad usage or a failed run."})
final class DemoCommand implements Callable<Integer> {

  static final String HTML = "timewait-report.html";
  static final String MARKDOWN = "timewait-report.md";

  /** The examples jar's {@code all} runs this many scenarios, one after another. */
  private static final int SCENARIOS = 8;

  private static final Duration MIN_DURATION = Duration.ofSeconds(SCENARIOS);
  private static final Duration MAX_DURATION = Duration.ofMinutes(10);
  private static final Duration EXIT_GRACE = Duration.ofSeconds(60);

  /**
   * Snapshots every 250 ms and leaks reported after 500 ms: the scenario that holds sockets in
   * CLOSE_WAIT does so only for its share of the run (about 3 s by default).
   */
  private static final String AGENT_OPTIONS =
      "interval=250ms,tableInterval=2s,closeWaitAfter=500ms";

  /**
   * The snapshot file is read as often as the agent writes it; the host's counters every second.
   */
  private static final long POLL_MILLIS = 250;

  private static final int POLLS_PER_COUNTER_SAMPLE = 4;

  private static final int TOP_SITES = 5;

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "DURATION",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "How long the scenarios run, shared out among them (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description = "Where to write the reports (default: the current directory).")
  Path out;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  @Option(
      names = "--examples-jar",
      paramLabel = "FILE",
      description = "The examples jar (default: timewait-examples.jar beside timewait.jar).")
  Path examplesJar;

  @Option(
      names = "--java",
      paramLabel = "FILE",
      description = "The java executable for the scenarios (default: the one running timewait).")
  Path java;

  @Override
  public Integer call() {
    if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
      throw new CliException(
          "--duration must be between "
              + MIN_DURATION.toSeconds()
              + " s (one per scenario) and "
              + MAX_DURATION.toMinutes()
              + " min, got "
              + duration.toMillis()
              + " ms");
    }
    Path outDir = out == null ? Path.of("").toAbsolutePath() : out.toAbsolutePath();
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new CliException("--out must be a directory: " + out);
    }
    Path agent = CompanionJar.agent(agentJar);
    Path examples = CompanionJar.examples(examplesJar);
    Path javaExecutable = javaExecutable();
    createDirectories(outDir);
    Path work = createWorkDir();
    try {
      return run(outDir, agent, examples, javaExecutable, work);
    } finally {
      deleteQuietly(work);
    }
  }

  private int run(Path outDir, Path agent, Path examples, Path javaExecutable, Path work) {
    Path snapshotFile = work.resolve("snapshot.json");
    Path scenarioLines = work.resolve("scenarios.txt");
    Path errors = work.resolve("stderr.txt");
    List<String> command =
        List.of(
            javaExecutable.toString(),
            "-javaagent:" + agent + "=snapshot=" + snapshotFile + "," + AGENT_OPTIONS,
            "-jar",
            examples.toString(),
            "all",
            "--duration",
            duration.dividedBy(SCENARIOS).toMillis() + "ms");
    List<String> sources = new ArrayList<>();
    HostWindow host = new HostWindow(HostWindow.thisHost(sources));
    sources.add(
        "the example scenarios in a child JVM with the agent ("
            + AGENT_OPTIONS
            + "); CLOSE_WAIT leaks: the most the agent reported during the run");
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    SnapshotFileWatch watch = new SnapshotFileWatch(snapshotFile);

    progress.show("starting the scenarios ...");
    host.start();
    Process child = start(command, scenarioLines, errors);
    Instant begin = Instant.now();
    Instant giveUp = begin.plus(duration).plus(EXIT_GRACE);
    try {
      for (int poll = 1; !child.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS); poll++) {
        if (Instant.now().isAfter(giveUp)) {
          child.destroyForcibly();
          throw new CliException(
              "the scenarios did not end within " + duration.plus(EXIT_GRACE).toSeconds() + " s");
        }
        watch.poll();
        if (poll % POLLS_PER_COUNTER_SAMPLE != 0) {
          continue;
        }
        host.sampleCounters();
        progress.show(
            String.format(
                Locale.ROOT,
                "running the scenarios: %d of about %d s, %d of %d done",
                Duration.between(begin, Instant.now()).toSeconds(),
                duration.toSeconds(),
                lines(scenarioLines).size(),
                SCENARIOS));
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    // TIME_WAIT lasts 60 s: the table is read right after the run.
    host.end(false);
    if (child.exitValue() != 0 || !Files.exists(snapshotFile)) {
      List<String> stderr = lines(errors);
      throw new CliException(
          (child.exitValue() != 0
                  ? "the scenarios' JVM exited with " + child.exitValue()
                  : "the agent wrote no snapshot")
              + (stderr.isEmpty() ? "" : ": " + stderr.get(0)));
    }
    Snapshot snapshot = watch.last();
    AnalysisInput input =
        host.input(
            List.of(snapshot),
            List.of(SnapshotFileWatch.atStart(snapshot)),
            Thresholds.defaults(),
            progress);
    progress.done();
    List<Finding> findings = Analyzer.standard().analyze(input);
    Report report = ReportBuilder.build(input, findings, sources, Instant.now());
    Path html = outDir.resolve(HTML);
    Path markdown = outDir.resolve(MARKDOWN);
    OutputFile.write(html, ReportRenderer.forFormat("html").render(report));
    OutputFile.write(markdown, ReportRenderer.forFormat("md").render(report));
    printSummary(report, snapshot, lines(scenarioLines).size(), html, markdown);
    return 0;
  }

  private void printSummary(
      Report report, Snapshot snapshot, int scenarios, Path html, Path markdown) {
    PrintWriter out = spec.commandLine().getOut();
    long closes =
        snapshot.totals() == null
            ? 0
            : snapshot.totals().active()
                + snapshot.totals().passive()
                + snapshot.totals().abortive();
    out.printf(
        Locale.ROOT,
        "%d scenarios ran with the agent (Java %s): %d closes, %d active (TIME_WAIT on this"
            + " host).%n",
        scenarios,
        snapshot.jvm() == null ? "?" : snapshot.jvm().javaVersion(),
        closes,
        snapshot.totals() == null ? 0 : snapshot.totals().active());
    out.println();
    out.println("Top code sites by active closes:");
    int shown = 0;
    for (Report.Site site : report.sites()) {
      if (site.active() == 0 || shown == TOP_SITES) {
        break;
      }
      out.printf(Locale.ROOT, "  %6d  %-6s  %s%n", site.active(), site.role(), site.site());
      if (!site.site().equals(site.openSite())) {
        out.printf(Locale.ROOT, "                  opened at %s%n", site.openSite());
      }
      shown++;
    }
    out.println();
    out.println("Findings:");
    for (Finding finding : report.findings()) {
      out.printf(
          Locale.ROOT,
          "  %-8s  %-20s  %s%n",
          finding.severity().name(),
          finding.id(),
          finding.title());
    }
    out.println();
    out.println("Reports:");
    out.println("  " + html.toAbsolutePath().normalize());
    out.println("  " + markdown.toAbsolutePath().normalize());
    out.flush();
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CliException("cannot create " + dir + ": " + JvmConnection.oneLine(e));
    }
  }

  private Path javaExecutable() {
    if (java != null) {
      if (!Files.isExecutable(java)) {
        throw new CliException("not an executable: " + java);
      }
      return java.toAbsolutePath();
    }
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Path createWorkDir() {
    try {
      return Files.createTempDirectory("timewait-demo-");
    } catch (IOException e) {
      throw new CliException("cannot create a temporary directory: " + JvmConnection.oneLine(e));
    }
  }

  private static Process start(List<String> command, Path stdout, Path stderr) {
    try {
      return new ProcessBuilder(command)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.toFile())
          .start();
    } catch (IOException e) {
      throw new CliException("cannot start " + command.get(0) + ": " + JvmConnection.oneLine(e));
    }
  }

  /** The lines of a file the child writes; none when it has not written yet. */
  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
