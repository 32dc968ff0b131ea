package dev.timewait.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory a host's files are read under: {@code /} for the running host, or a captured tree
 * (support bundle, sosreport layout with {@code proc/...} and {@code etc/...}) to analyze
 * elsewhere. Paths are given as on the host ({@code /proc/net/tcp}) and resolved under the root.
 */
public final class HostRoot {

  /** Small files larger than this are not configuration or counters; reading stops there. */
  static final int MAX_SMALL_FILE = 8 * 1024 * 1024;

  private final Path root;

  private HostRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The running host. */
  public static HostRoot live() {
    return new HostRoot(Path.of("/"));
  }

  /** A captured tree, or {@code /}. */
  public static HostRoot of(Path root) {
    return new HostRoot(root);
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /** Whether this is the running host's own root. */
  public boolean isLive() {
    return root.getParent() == null;
  }

  /** Where the host path {@code hostPath} (e.g. {@code /proc/net/tcp}) lies under this root. */
  public Path resolve(String hostPath) {
    String relative = hostPath.startsWith("/") ? hostPath.substring(1) : hostPath;
    return root.resolve(relative);
  }

  /** Whether the host path exists under this root. */
  public boolean exists(String hostPath) {
    return Files.exists(resolve(hostPath));
  }

  /**
   * The text of a small file (at most {@link #MAX_SMALL_FILE} bytes are read), or null when it is
   * missing or unreadable.
   */
  public String read(String hostPath) {
    try (InputStream in = Files.newInputStream(resolve(hostPath))) {
      return new String(in.readNBytes(MAX_SMALL_FILE), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The first line of a small file, trimmed, or null when missing, unreadable or empty. */
  public String readLine(String hostPath) {
    String text = read(hostPath);
    if (text == null) {
      return null;
    }
    int newline = text.indexOf('\n');
    String line = (newline >= 0 ? text.substring(0, newline) : text).strip();
    return line.isEmpty() ? null : line;
  }

  /** Opens a file for streaming. */
  public InputStream open(String hostPath) throws IOException {
    return Files.newInputStream(resolve(hostPath));
  }

  /** Regular files of a directory whose names match {@code glob}, sorted by name; empty if none. */
  public List<Path> list(String hostDir, String glob) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(resolve(hostDir), glob)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry)) {
          files.add(entry);
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    files.sort(null);
    return files;
  }

  /** The host path of a file under this root, e.g. {@code /etc/sysctl.d/99.conf}. */
  public String hostPath(Path file) {
    return "/" + root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
