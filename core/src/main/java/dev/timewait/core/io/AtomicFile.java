package dev.timewait.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see the old content or the new one, never a part: a temporary file
 * beside it, then a rename over it. The file gets the permissions the process' umask gives a new
 * file (as {@code touch} would), also when it replaces an older one, so that an operator in the
 * application user's group can read what the agent or the command wrote.
 */
public final class AtomicFile {
  private AtomicFile() {}

  /**
   * Replaces {@code target} with {@code content} (UTF-8). The folder must exist.
   *
   * @throws IOException as the file system reports it; the target is then unchanged
   */
  public static void write(Path target, String content) throws IOException {
    write(target, content, false);
  }

  /**
   * As {@link #write}, with mode 0600 whatever the umask: the temporary file is made with that mode
   * (never one that exists, nor through a link), so that only the owner ever reads the content.
   */
  public static void writePrivately(Path target, String content) throws IOException {
    write(target, content, true);
  }

  private static void write(Path target, String content, boolean owner) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp =
        absolute.resolveSibling(
            "."
                + absolute.getFileName()
                + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
    try {
      if (owner) {
        Files.createFile(
            temp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      // a new file without explicit permissions: the mode is 0666 less the umask
      try (OutputStream out =
          owner
              ? Files.newOutputStream(temp, StandardOpenOption.WRITE)
              : Files.newOutputStream(
                  temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      try {
        Files.move(
            temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
