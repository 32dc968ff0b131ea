package dev.timewait.agent.internal.background;

import dev.timewait.core.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the snapshot file atomically, creating its folder first. */
final class SnapshotFile {
  private SnapshotFile() {}

  static void writeAtomically(Path target, String content) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    AtomicFile.write(target, content);
  }

  /** {@link AtomicFile#writePrivately}: mode 0600, for a snapshot asked for over attach. */
  static void writePrivately(Path target, String content) throws IOException {
    AtomicFile.writePrivately(target, content);
  }
}
