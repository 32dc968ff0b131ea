package dev.timewait.analyzer.cli;

import dev.timewait.analyzer.capture.HostCapture;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a support bundle that {@code report --host-root FILE} reads on another machine. */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a support bundle (.tar.gz): exactly the files of this host a report reads (the"
          + " /proc/net tables and counters, the sysctls, the sysctl configuration files, the"
          + " kernel release) and the agent snapshots of the JVMs asked for. Read it elsewhere"
          + " with 'timewait report --host-root FILE'."
    })
final class CaptureCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "FILE",
      description = "The archive to write, e.g. host.tar.gz.")
  Path out;

  @Parameters(
      paramLabel = "PID",
      arity = "0..*",
      description = "Running JVMs whose agent snapshots are added.")
  List<Long> positionalPids = new ArrayList<>();

  @Option(names = "--pid", hidden = true, paramLabel = "PID")
  List<Long> optionPids = new ArrayList<>();

  @Option(
      names = "--snapshot",
      paramLabel = "FILE",
      description = "An agent snapshot file to add; repeatable.")
  List<Path> snapshots = new ArrayList<>();

  @Override
  public Integer call() {
    if (!Files.isReadable(Path.of("/proc/net/tcp"))) {
      throw new CliException("capture reads a Linux host's /proc, and /proc/net/tcp is missing");
    }
    OutputFile.check(out);
    SnapshotReader reader = new SnapshotReader();
    List<byte[]> files = new ArrayList<>();
    for (Path file : snapshots) {
      try {
        byte[] json = Files.readAllBytes(file);
        reader.read(new String(json, StandardCharsets.UTF_8), file.toString());
        files.add(json);
      } catch (IOException e) {
        throw new CliException("cannot read snapshot " + file + ": " + e.getMessage());
      } catch (SnapshotException e) {
        throw new CliException(e.getMessage(), e);
      }
    }
    HostCapture capture = HostCapture.of(Path.of("/"));
    for (int i = 0; i < snapshots.size(); i++) {
      capture.addSnapshot(snapshots.get(i).getFileName().toString(), files.get(i));
    }
    List<Long> pids = new ArrayList<>(positionalPids);
    pids.addAll(optionPids);
    for (long pid : pids) {
      try (JvmConnection jvm = JvmConnection.attach(pid)) {
        String json = jvm.snapshotJson();
        if (json == null) {
          throw new CliException("pid " + pid + " has no timewait agent");
        }
        capture.addSnapshot("pid-" + pid, json.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      capture.write(out);
    } catch (IOException e) {
      throw new CliException("cannot write " + out + ": " + e.getMessage());
    }
    spec.commandLine()
        .getOut()
        .println(
            "wrote "
                + out
                + ": "
                + capture.hostFiles()
                + " host files, "
                + capture.snapshots()
                + " agent snapshot(s)");
    return 0;
  }
}
