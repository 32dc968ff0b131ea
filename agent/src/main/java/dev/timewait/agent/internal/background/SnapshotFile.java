package dev.timewait.agent.internal.background;

import dev.timewait.core.io.AtomicFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/** Writes the snapshot file atomically, creating its folder first. */
final class SnapshotFile {
  private SnapshotFile() {}

  static void writeAtomically(Path target, String content) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    AtomicFile.write(target, content);
  }

  /**
   * Writes {@code content} to {@code target} with mode 0600, whatever the umask: a temporary file
   * made with that mode (never one that exists, nor through a link), then renamed over the target,
   * so that a reader sees the whole snapshot or none. The folder must exist.
   */
  static void writePrivately(Path target, String content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp =
        absolute.resolveSibling(
            "."
                + absolute.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(
              Files.createFile(
                  temp,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              StandardOpenOption.WRITE)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
