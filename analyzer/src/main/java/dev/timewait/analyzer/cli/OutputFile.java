package dev.timewait.analyzer.cli;

import dev.timewait.core.io.AtomicFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file the user named with {@code --out}: written atomically with the permissions the umask
 * gives, and when it cannot be, one line that names the folder at fault rather than a temporary
 * file.
 */
final class OutputFile {
  private OutputFile() {}

  /** Refuses a target that cannot be written, before any work is done for it. */
  static void check(Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    Path folder = absolute.getParent();
    if (!Files.exists(folder)) {
      throw new CliException(
          "cannot write " + target + ": the folder " + folder + " does not exist");
    }
    if (!Files.isDirectory(folder)) {
      throw new CliException("cannot write " + target + ": " + folder + " is not a folder");
    }
    if (Files.isDirectory(absolute)) {
      throw new CliException("cannot write " + target + ": it is a folder");
    }
    if (!Files.isWritable(folder)) {
      throw new CliException(
          "cannot write " + target + ": no permission to write in the folder " + folder);
    }
  }

  static void write(Path target, String text) {
    check(target);
    Path absolute = target.toAbsolutePath().normalize();
    Path folder = absolute.getParent();
    try {
      AtomicFile.write(absolute, text);
    } catch (AccessDeniedException e) {
      throw new CliException(
          "cannot write " + target + ": no permission to write in the folder " + folder);
    } catch (IOException e) {
      throw new CliException("cannot write " + target + ": " + JvmConnection.oneLine(e));
    }
  }
}
