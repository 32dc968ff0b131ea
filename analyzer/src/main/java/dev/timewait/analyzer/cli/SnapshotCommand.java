package dev.timewait.analyzer.cli;

import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Saves the agent's snapshot of a running JVM to a file. */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = "Save the agent's snapshot of a running JVM (timewait.snapshot/1 JSON).")
final class SnapshotCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin TargetJvm target;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Where to write the snapshot (default: standard output).")
  Path out;

  @Override
  public Integer call() {
    long pid = target.pid();
    if (out != null) {
      OutputFile.check(out);
    }
    String json;
    try (JvmConnection jvm = JvmConnection.attach(pid)) {
      json = jvm.snapshotJson();
    }
    if (json == null) {
      throw new CliException(
          "pid " + pid + " has no timewait agent (load it with 'timewait attach " + pid + "')");
    }
    try {
      new SnapshotReader().read(json, "pid " + pid);
    } catch (SnapshotException e) {
      throw new CliException(e.getMessage(), e);
    }
    if (out == null) {
      spec.commandLine().getOut().println(json);
      return 0;
    }
    OutputFile.write(out, json);
    return 0;
  }
}
