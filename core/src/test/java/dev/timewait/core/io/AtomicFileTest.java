package dev.timewait.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

  @TempDir Path dir;

  /** What this process' umask gives a new file. */
  private Set<PosixFilePermission> umaskPermissions() throws IOException {
    Path probe = Files.createFile(dir.resolve("probe"));
    try {
      return Files.getPosixFilePermissions(probe);
    } finally {
      Files.delete(probe);
    }
  }

  @Test
  void writesTheContentAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("report.md");
    AtomicFile.write(file, "first");
    AtomicFile.write(file, "second ü");
    assertEquals("second ü", Files.readString(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "only the file itself");
    }
  }

  @Test
  void newAndReplacedFilesGetTheUmaskPermissionsNotOwnerOnly() throws IOException {
    Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX only");
    Set<PosixFilePermission> expected = umaskPermissions();
    Assumptions.assumeTrue(
        expected.contains(PosixFilePermission.GROUP_READ),
        "skipped: this umask denies the group read access anyway");
    Path file = dir.resolve("snapshot.json");
    AtomicFile.write(file, "{}");
    assertEquals(expected, Files.getPosixFilePermissions(file));

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    AtomicFile.write(file, "{}");
    assertEquals(expected, Files.getPosixFilePermissions(file), "as a new file would be");
  }

  @Test
  void aMissingFolderIsAnErrorAndNothingIsCreated() {
    Path file = dir.resolve("no/such/dir/x.md");
    assertThrows(NoSuchFileException.class, () -> AtomicFile.write(file, "x"));
    assertEquals(false, Files.exists(dir.resolve("no")));
  }
}
