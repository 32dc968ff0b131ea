package dev.timewait.analyzer.cli;

import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--pid", required = true, paramLabel = "PID", description = "The JVM.")
  long pid;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to write the snapshot (default: standard output).")
  Path out;

  @Override
  public Integer call() {
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
    writeAtomically(out, json);
    return 0;
  }

  /** Writes a temporary file beside {@code target}, then renames it over the target. */
  static void writeAtomically(Path target, String text) {
    Path absolute = target.toAbsolutePath();
    try {
      Path temp = Files.createTempFile(absolute.getParent(), ".timewait-", ".tmp");
      try {
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(
            temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new CliException("cannot write " + target + ": " + JvmConnection.oneLine(e));
    }
  }
}
