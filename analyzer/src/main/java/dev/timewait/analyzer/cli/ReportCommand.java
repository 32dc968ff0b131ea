package dev.timewait.analyzer.cli;

import dev.timewait.analyzer.capture.CapturedHost;
import dev.timewait.analyzer.prometheus.PrometheusException;
import dev.timewait.analyzer.prometheus.PrometheusFleet;
import dev.timewait.analyzer.prometheus.PrometheusQuery;
import dev.timewait.analyzer.report.Report;
import dev.timewait.analyzer.report.ReportBuilder;
import dev.timewait.analyzer.report.ReportRenderer;
import dev.timewait.analyzer.report.SiteFilter;
import dev.timewait.analyzer.report.SysctlDropIn;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.owners.HostOwnership;
import dev.timewait.core.owners.NamespaceOwners;
import dev.timewait.core.owners.NamespaceSysctls;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Severity;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Collects from the chosen sources, runs the rules and writes the report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Report on TIME_WAIT: this host (default), a captured host tree, agent snapshot files and"
          + " running JVMs, combined into one report."
    },
    footer = "(the thresholds and exit codes, set by Main)")
final class ReportCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    MD,
    HTML,
    JSON;

    /** The format a file name asks for by its extension, or null. */
    static Format ofFileName(Path file) {
      String name = file.getFileName() == null ? "" : file.getFileName().toString();
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".html") || lower.endsWith(".htm")) {
        return HTML;
      }
      if (lower.endsWith(".json")) {
        return JSON;
      }
      if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
        return MD;
      }
      return null;
    }
  }

  /** What each threshold is, in the order of {@link Thresholds#asMap()}. */
  static final Map<String, String> THRESHOLD_MEANINGS =
      Map.of(
          "reuseShare",
          "TW_REUSE_RECOMMENDED: share of the usable ephemeral ports that one client"
              + " destination uses",
          "portWarn",
          "PORT_EXHAUSTION_RISK warning: share of the usable ephemeral ports that one client"
              + " destination uses",
          "portCritical",
          "PORT_EXHAUSTION_RISK critical: the same share",
          "loopbackOnlyTimeWait",
          "TW_REUSE_LOOPBACK_ONLY: client TIME_WAIT sockets to destinations off this host",
          "twBucketsShare",
          "TW_BUCKETS_OVERFLOW: share of net.ipv4.tcp_max_tw_buckets in use",
          "serverTimeWait",
          "SERVER_ACTIVE_CLOSE: TIME_WAIT sockets of this host's listening ports",
          "conntrackShare",
          "CONNTRACK_PRESSURE: share of net.netfilter.nf_conntrack_max in use",
          "closeWait",
          "CLOSE_WAIT_LEAK: CLOSE_WAIT sockets on the host",
          "churnPerMinute",
          "CLIENT_CHURN_SITE: active client closes a minute at one code site");

  private static final int HELP_WIDTH = 80;
  private static final int MEANING_COLUMN = 28;

  private static final Duration LIVE_DEFAULT = Duration.ofSeconds(10);
  private static final Duration COUNTER_INTERVAL = Duration.ofSeconds(1);
  private static final Duration PROMETHEUS_WINDOW = Duration.ofMinutes(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--host-root",
      paramLabel = "DIR|FILE",
      description =
          "Read a captured host instead of this host: a tree (proc/, etc/) or an archive"
              + " written by 'timewait capture', whose agent snapshots are read too.")
  Path hostRoot;

  @Option(
      names = "--site",
      paramLabel = "PATTERN",
      description =
          "Show only the code sites whose close or open frame contains PATTERN (* matches any"
              + " text), with their stacks.")
  String site;

  @Option(
      names = "--write-sysctl",
      paramLabel = "FILE",
      description =
          "Also write the recommended kernel settings to FILE as a sysctl.d drop-in, one comment"
              + " line each saying why; nothing is applied.")
  Path writeSysctl;

  private CapturedHost captured;

  @Option(
      names = "--no-host",
      description = "Do not sample any host: report on the agent data only.")
  boolean noHost;

  @Option(
      names = "--snapshot",
      paramLabel = "FILE",
      description = "An agent snapshot file; repeat for several JVMs or hosts (a fleet report).")
  List<Path> snapshots = new ArrayList<>();

  @Parameters(
      paramLabel = "PID",
      arity = "0..*",
      description = "Running JVMs whose agents are read over the attach channel.")
  List<Long> positionalPids = new ArrayList<>();

  @Option(names = "--pid", hidden = true, paramLabel = "PID")
  List<Long> optionPids = new ArrayList<>();

  private final List<Long> pids = new ArrayList<>();

  @Option(
      names = "--prometheus",
      paramLabel = "URL",
      description =
          "A Prometheus server that scrapes the agents through the JMX exporter: a fleet report"
              + " from its query API, rates over --duration (default 5m); no host is sampled.")
  URI prometheus;

  @Option(
      names = "--all-jvms",
      description =
          "Also read every JVM of this host that runs the agent; one that cannot be read is named"
              + " with the reason and the report goes on.")
  boolean allJvms;

  @Option(
      names = "--user",
      paramLabel = "USER",
      description =
          "With --all-jvms: only the JVMs run by USER (a name or a uid) are read, and with --attach"
              + " loaded; the others are listed as left out.")
  String user;

  @Option(
      names = "--all-netns",
      description =
          "As root: count the owners, TIME_WAIT and sysctls of every network namespace that has a"
              + " process (containers, pods), not only this one.")
  boolean allNetns;

  @Option(
      names = "--attach",
      description = "With a PID or --all-jvms: load the agent first where it is absent.")
  boolean attach;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar for --attach (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  @Option(
      names = {"-d", "--duration"},
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Live sampling window for rates and counter deltas (default 10s for this host, 0 for"
              + " --host-root; 0 = one sample, counters since boot).")
  Duration duration;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      description =
          "md, html or json (default: from the --out file's extension, .html, .json or .md;"
              + " else md).")
  Format format;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Write the report here instead of standard output.")
  Path out;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at least this severe: critical, warning or info.")
  String failOn;

  @Option(
      names = "--threshold",
      paramLabel = "NAME=VALUE",
      description = "Change a threshold, e.g. portWarn=0.4 (see below); repeatable.")
  Map<String, String> thresholdOptions = new LinkedHashMap<>();

  /** The help's footer: each threshold with its default and meaning, then the exit codes. */
  static String[] footer() {
    List<String> lines = new ArrayList<>();
    lines.add("");
    lines.add("Thresholds (--threshold NAME=VALUE; shares are fractions, 0.5 = 50%):");
    for (Map.Entry<String, Object> threshold : Thresholds.defaults().asMap().entrySet()) {
      String head = "  " + threshold.getKey() + "=" + number(threshold.getValue());
      String meaning = THRESHOLD_MEANINGS.getOrDefault(threshold.getKey(), "");
      lines.addAll(wrap(head, meaning));
    }
    lines.add("");
    lines.add("Exit codes: 0 fine, 1 a finding at or above --fail-on, 2 bad usage or input.");
    return lines.toArray(new String[0]);
  }

  private static String number(Object value) {
    double d = ((Number) value).doubleValue();
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** {@code head} then {@code text} in a column of its own, wrapped at spaces. */
  private static List<String> wrap(String head, String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(head);
    if (line.length() >= MEANING_COLUMN) {
      lines.add(line.toString());
      line.setLength(0);
    }
    for (String word : text.split(" ")) {
      boolean fresh = line.length() <= MEANING_COLUMN;
      if (!fresh && line.length() + 1 + word.length() > HELP_WIDTH - 1) {
        lines.add(line.toString());
        line.setLength(0);
        fresh = true;
      }
      if (fresh) {
        line.append(" ".repeat(MEANING_COLUMN - line.length()));
      } else {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  @Override
  public Integer call() {
    pids.clear();
    pids.addAll(positionalPids);
    pids.addAll(optionPids);
    Severity failSeverity = failOn == null ? null : parseSeverity(failOn);
    Thresholds thresholds = thresholds();
    if (hostRoot != null && noHost) {
      throw new CliException("--host-root and --no-host exclude each other");
    }
    if (attach && pids.isEmpty() && !allJvms) {
      throw new CliException("--attach needs the PID of a JVM or --all-jvms");
    }
    if (user != null && !allJvms) {
      throw new CliException("--user chooses among --all-jvms: give --all-jvms too");
    }
    if (allNetns && (noHost || prometheus != null && hostRoot == null)) {
      throw new CliException("--all-netns reads this host: it excludes --no-host and --prometheus");
    }
    if (allNetns && hostRoot == null && !RootUser.isRoot()) {
      throw new CliException(
          "--all-netns needs root (it reads other processes' sockets and enters their network"
              + " namespaces); run it with sudo, or leave it out to report this namespace only");
    }
    Format effective = effectiveFormat();
    if (out != null) {
      OutputFile.check(out);
    }
    if (writeSysctl != null) {
      OutputFile.check(writeSysctl);
    }
    SiteFilter siteFilter = siteFilter();
    List<String> sources = new ArrayList<>();
    try {
      return report(failSeverity, thresholds, effective, siteFilter, sources);
    } finally {
      if (captured != null) {
        captured.close();
      }
    }
  }

  private Integer report(
      Severity failSeverity,
      Thresholds thresholds,
      Format effective,
      SiteFilter siteFilter,
      List<String> sources) {
    HostCollector collector = collector(sources);
    SnapshotReader reader = new SnapshotReader();
    List<Snapshot> fileSnapshots = readFiles(reader, sources);
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    Duration window = window();

    try (ReportJvms jvms =
        ReportJvms.open(
            pids,
            allJvms,
            user,
            attach ? CompanionJar.agent(agentJar) : null,
            sources,
            spec.commandLine().getErr(),
            progress)) {
      List<Snapshot> atStart = jvms.read(reader, progress);
      HostOwnership owners = owners(collector);
      HostWindow host = new HostWindow(collector);
      host.start();
      if (owners != null) {
        owners.sample();
      }
      Instant begin = Instant.now();
      Instant endAt = begin.plus(window);
      while (!window.isZero() && Instant.now().isBefore(endAt)) {
        long left = Math.max(0, Duration.between(Instant.now(), endAt).toMillis());
        progress.show(
            String.format(
                Locale.ROOT,
                "sampling: %d of %d s",
                window.toSeconds() - left / 1000,
                window.toSeconds()));
        sleep(Math.min(left, COUNTER_INTERVAL.toMillis()));
        if (Instant.now().isBefore(endAt)) {
          host.sampleCounters();
          if (owners != null) {
            owners.sample();
          }
        }
      }
      host.end(window.isZero());
      List<Snapshot> atEnd = window.isZero() ? atStart : jvms.read(reader, progress);
      List<Snapshot> all = new ArrayList<>(fileSnapshots);
      all.addAll(atEnd);
      List<Snapshot> starts = new ArrayList<>(window.isZero() ? List.of() : atStart);
      PrometheusFleet fleet = readPrometheus(sources, progress);
      if (fleet != null) {
        all.addAll(fleet.now());
        starts.addAll(fleet.atStart());
      }
      AnalysisInput input = host.input(all, starts, thresholds, progress);
      List<NamespaceOwners> namespaces = List.of();
      if (owners != null) {
        progress.show("naming the owners of the TIME_WAIT sockets ...");
        namespaces = owners.owners(all);
      }
      progress.done();
      List<Finding> findings = Analyzer.standard().analyze(input);
      refuseUnreadableHostRoot(findings);
      if (fleet != null) {
        findings = fleet.withAgentFindings(findings);
      }
      Map<Long, List<Finding>> namespaceFindings = ReportBuilder.findingsOf(namespaces, thresholds);
      Report report =
          ReportBuilder.build(
              input,
              findings,
              sources,
              Instant.now(),
              namespaces,
              namespaceFindings,
              owners == null ? List.of() : owners.unavailable());
      if (writeSysctl != null) {
        OutputFile.write(writeSysctl, SysctlDropIn.render(report));
      }
      if (siteFilter != null) {
        report = siteFilter.apply(report);
        if (report.sites().isEmpty()) {
          throw new CliException("no code site matches --site " + siteFilter);
        }
      }
      write(ReportRenderer.forFormat(effective.name().toLowerCase(Locale.ROOT)).render(report));
      if (failSeverity != null) {
        List<Finding> every = new ArrayList<>(findings);
        namespaceFindings.values().forEach(every::addAll);
        for (Finding finding : every) {
          if (Analyzer.isProblem(finding) && finding.severity().atLeast(failSeverity)) {
            return Main.EXIT_FINDINGS;
          }
        }
      }
      return 0;
    }
  }

  /**
   * Who owns the TIME_WAIT sockets: sampled on this host when it is read through {@code /proc}, and
   * in a captured tree only when {@code --all-netns} asks for its {@code /proc/PID} folders.
   */
  private HostOwnership owners(HostCollector collector) {
    if (!(collector instanceof LinuxProcCollector)) {
      return null;
    }
    if (hostRoot == null) {
      return HostOwnership.live(allNetns);
    }
    if (!allNetns || captured != null) {
      return null;
    }
    return new HostOwnership(
        HostRoot.of(hostRoot),
        true,
        NamespaceSysctls.unavailable("a captured tree keeps no namespace's sysctls"));
  }

  /** {@code --format}, else the one the {@code --out} file's extension names, else Markdown. */
  private Format effectiveFormat() {
    if (format != null) {
      return format;
    }
    Format fromName = out == null ? null : Format.ofFileName(out);
    return fromName == null ? Format.MD : fromName;
  }

  /**
   * A captured tree of which nothing could be read is unreadable input, not a host to report on
   * (the live host still gets its {@code HOST_UNREADABLE} finding).
   */
  private void refuseUnreadableHostRoot(List<Finding> findings) {
    if (hostRoot == null) {
      return;
    }
    for (Finding finding : findings) {
      if (finding.id().equals("HOST_UNREADABLE")) {
        List<String> why = finding.evidence().subList(1, Math.min(4, finding.evidence().size()));
        throw new CliException(
            "host root "
                + hostRoot
                + " holds no readable host data"
                + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")"));
      }
    }
  }

  private PrometheusFleet readPrometheus(List<String> sources, Progress progress) {
    if (prometheus == null) {
      return null;
    }
    progress.show("querying " + prometheus + " ...");
    Duration lookBack = duration == null || duration.isZero() ? PROMETHEUS_WINDOW : duration;
    try {
      PrometheusFleet fleet =
          PrometheusFleet.read(new PrometheusQuery(prometheus), Instant.now(), lookBack);
      if (fleet.now().isEmpty()) {
        throw new CliException("no timewait_* series at " + prometheus);
      }
      sources.add(
          "Prometheus "
              + prometheus
              + ": "
              + fleet.now().size()
              + " JVM(s), rates over "
              + lookBack.toSeconds()
              + " s");
      return fleet;
    } catch (PrometheusException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  private static Severity parseSeverity(String text) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliException("--fail-on: " + e.getMessage());
    }
  }

  private Thresholds thresholds() {
    Thresholds thresholds = Thresholds.defaults();
    for (Map.Entry<String, String> entry : thresholdOptions.entrySet()) {
      try {
        thresholds = thresholds.with(entry.getKey(), entry.getValue());
      } catch (IllegalArgumentException e) {
        throw new CliException("--threshold: " + e.getMessage());
      }
    }
    return thresholds;
  }

  private HostCollector collector(List<String> sources) {
    if (noHost || (prometheus != null && hostRoot == null)) {
      if (snapshots.isEmpty() && pids.isEmpty() && !allJvms && prometheus == null) {
        throw new CliException("--no-host needs --snapshot, a PID, --all-jvms or --prometheus");
      }
      return null;
    }
    if (hostRoot != null) {
      if (Files.isRegularFile(hostRoot)) {
        return capturedCollector(sources);
      }
      if (!Files.isDirectory(hostRoot)) {
        throw new CliException("host root is not a directory or a capture: " + hostRoot);
      }
      sources.add("host tree " + hostRoot);
      snapshots.addAll(CapturedHost.snapshotsUnder(hostRoot));
      return new LinuxProcCollector(HostRoot.of(hostRoot));
    }
    return HostWindow.thisHost(sources);
  }

  /** A capture written by {@code timewait capture}, extracted for the length of the report. */
  private HostCollector capturedCollector(List<String> sources) {
    try {
      captured = CapturedHost.open(hostRoot);
    } catch (java.util.zip.ZipException e) {
      throw new CliException(
          "host root "
              + hostRoot
              + " is neither a folder nor a capture written by 'timewait capture'");
    } catch (IOException e) {
      throw new CliException(
          "cannot read the capture " + hostRoot + ": " + JvmConnection.oneLine(e));
    }
    sources.add("host capture " + hostRoot);
    snapshots.addAll(captured.snapshots());
    return new LinuxProcCollector(HostRoot.of(captured.root()));
  }

  private SiteFilter siteFilter() {
    if (site == null) {
      return null;
    }
    try {
      return SiteFilter.of(site);
    } catch (IllegalArgumentException e) {
      throw new CliException("--site: " + e.getMessage());
    }
  }

  private Duration window() {
    if (prometheus != null && pids.isEmpty()) {
      return Duration.ZERO; // nothing is sampled live: --duration is Prometheus' look-back
    }
    if (duration != null) {
      return duration;
    }
    return hostRoot != null || (noHost && pids.isEmpty() && !allJvms)
        ? Duration.ZERO
        : LIVE_DEFAULT;
  }

  private List<Snapshot> readFiles(SnapshotReader reader, List<String> sources) {
    List<Snapshot> result = new ArrayList<>();
    for (Path file : snapshots) {
      try {
        result.add(reader.read(file));
      } catch (SnapshotException e) {
        throw new CliException(e.getMessage(), e);
      }
      sources.add("snapshot " + file);
    }
    return result;
  }

  private void write(String text) {
    if (out == null) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
      return;
    }
    OutputFile.write(out, text);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
