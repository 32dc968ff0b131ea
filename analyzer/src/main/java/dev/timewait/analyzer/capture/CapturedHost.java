package dev.timewait.analyzer.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A support bundle opened for a report: extracted into a private temporary directory (mode 0700,
 * removed on {@link #close()}), which then serves as an ordinary host root. Extraction keeps the
 * collector, its streaming table reader and every parser exactly as they are for a live host.
 */
public final class CapturedHost implements AutoCloseable {

  private final Path root;

  private CapturedHost(Path root) {
    this.root = root;
  }

  /** Extracts {@code archive}; a file that is not a gzipped tar fails with one line. */
  public static CapturedHost open(Path archive) throws IOException {
    Path dir;
    try {
      dir =
          Files.createTempDirectory(
              "timewait-capture-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      dir = Files.createTempDirectory("timewait-capture-");
    }
    CapturedHost host = new CapturedHost(dir);
    try (InputStream in = Files.newInputStream(archive)) {
      TarGz.extract(in, dir);
      return host;
    } catch (IOException | RuntimeException e) {
      host.close();
      throw e;
    }
  }

  /** The directory the bundle was extracted to. */
  public Path root() {
    return root;
  }

  /** The agent snapshots the bundle carries, sorted by name. */
  public List<Path> snapshots() {
    return snapshotsUnder(root);
  }

  /** The agent snapshots under a captured tree's {@link HostCapture#SNAPSHOTS}, sorted by name. */
  public static List<Path> snapshotsUnder(Path tree) {
    List<Path> found = new ArrayList<>();
    Path dir = tree.resolve(HostCapture.SNAPSHOTS);
    if (!Files.isDirectory(dir)) {
      return found;
    }
    try (var entries = Files.newDirectoryStream(dir, "*.json")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry)) {
          found.add(entry);
        }
      }
    } catch (IOException e) {
      return found;
    }
    found.sort(null);
    return found;
  }

  @Override
  public void close() {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
