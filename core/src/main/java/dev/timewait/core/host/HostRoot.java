package dev.timewait.core.host;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The directory a host's files are read under: {@code /} for the running host, or a captured tree
 * (support bundle, sosreport layout with {@code proc/...} and {@code etc/...}) to analyze
 * elsewhere. Paths are given as on the host ({@code /proc/net/tcp}) and resolved under the root. A
 * recording root also keeps the bytes of every file read through it, which is how a support bundle
 * holds exactly what a report reads.
 */
public final class HostRoot {

  /** Small files larger than this are not configuration or counters; reading stops there. */
  static final int MAX_SMALL_FILE = 8 * 1024 * 1024;

  private final Path root;

  /** Host path to the bytes read, for a recording root; null otherwise. */
  private final SortedMap<String, byte[]> recorded;

  /** For a network namespace's view, the process whose {@code /proc/PID/net} is read; else 0. */
  private final long netPid;

  /**
   * For a network namespace's view, the per-namespace sysctls under {@code /proc/sys/net} read
   * inside it, by host path; null when they could not be read there (they are then unknown).
   */
  private final Map<String, String> netSysctls;

  private static final String NET = "/proc/net";
  private static final String SYS_NET = "/proc/sys/net/";

  private HostRoot(
      Path root, SortedMap<String, byte[]> recorded, long netPid, Map<String, String> netSysctls) {
    this.root = root.toAbsolutePath().normalize();
    this.recorded = recorded;
    this.netPid = netPid;
    this.netSysctls = netSysctls == null ? null : Map.copyOf(netSysctls);
  }

  private HostRoot(Path root, SortedMap<String, byte[]> recorded) {
    this(root, recorded, 0, null);
  }

  private HostRoot(Path root) {
    this(root, null);
  }

  /**
   * This root as seen from the network namespace of process {@code pid}: {@code /proc/net/...} is
   * read through {@code /proc/PID/net/...} (the kernel shows there the tables of that process's
   * namespace), and {@code /proc/sys/net/...}, which the kernel shows for the namespace of the
   * reader, comes from {@code netSysctls} as read inside that namespace. Everything else (kernel
   * release, {@code /etc}) is the host's.
   *
   * @param netSysctls host path to content, or null when they could not be read inside the
   *     namespace: they are then missing, never taken from another namespace
   */
  public HostRoot networkNamespaceOf(long pid, Map<String, String> netSysctls) {
    return new HostRoot(root, null, pid, netSysctls);
  }

  /** For a network namespace's view, the pid it reads through; 0 for the root's own view. */
  public long networkNamespacePid() {
    return netPid;
  }

  private boolean isNetSysctl(String hostPath) {
    return netPid != 0 && (hostPath.startsWith(SYS_NET) || hostPath.equals("/proc/sys/net"));
  }

  /** A root that keeps what is read through it: see {@link #recorded()}. */
  public static HostRoot recording(Path root) {
    return new HostRoot(root, new ConcurrentSkipListMap<>());
  }

  /**
   * For a recording root, every regular file read or found through it so far, by host path, with
   * the bytes that were read (the last read wins); empty for other roots.
   */
  public Map<String, byte[]> recorded() {
    return recorded == null ? Map.of() : Map.copyOf(recorded);
  }

  private void record(String hostPath, byte[] bytes) {
    if (recorded != null) {
      recorded.put(hostPath.startsWith("/") ? hostPath : "/" + hostPath, bytes);
    }
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
    String path = hostPath.startsWith("/") ? hostPath : "/" + hostPath;
    if (netPid != 0 && (path.equals(NET) || path.startsWith(NET + "/"))) {
      path = "/proc/" + netPid + "/net" + path.substring(NET.length());
    }
    return root.resolve(path.substring(1));
  }

  /** Whether the host path exists under this root. */
  public boolean exists(String hostPath) {
    if (isNetSysctl(hostPath)) {
      if (netSysctls == null) {
        return false;
      }
      String dir = hostPath.endsWith("/") ? hostPath : hostPath + "/";
      for (String key : netSysctls.keySet()) {
        if (key.equals(hostPath) || key.startsWith(dir)) {
          return true;
        }
      }
      return false;
    }
    Path path = resolve(hostPath);
    boolean exists = Files.exists(path);
    if (exists && recorded != null && Files.isRegularFile(path)) {
      read(hostPath); // its presence is data: keep it
    }
    return exists;
  }

  /**
   * The text of a small file (at most {@link #MAX_SMALL_FILE} bytes are read), or null when it is
   * missing or unreadable.
   */
  public String read(String hostPath) {
    if (isNetSysctl(hostPath)) {
      return netSysctls == null ? null : netSysctls.get(hostPath);
    }
    try (InputStream in = Files.newInputStream(resolve(hostPath))) {
      byte[] bytes = in.readNBytes(MAX_SMALL_FILE);
      record(hostPath, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
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
    if (isNetSysctl(hostPath)) {
      String text = read(hostPath);
      if (text == null) {
        throw new NoSuchFileException(hostPath + " in the namespace of pid " + netPid);
      }
      return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
    InputStream in = Files.newInputStream(resolve(hostPath));
    return recorded == null ? in : new Recorded(in, hostPath);
  }

  /** A stream that keeps a copy of what was read from it, recorded when it is closed. */
  private final class Recorded extends FilterInputStream {
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final String hostPath;

    Recorded(InputStream in, String hostPath) {
      super(in);
      this.hostPath = hostPath;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        copy.write(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        copy.write(buffer, offset, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // a skipped part would be missing from the copy: read it instead
      byte[] discard = new byte[(int) Math.max(0, Math.min(n, 8192))];
      return Math.max(0, read(discard, 0, discard.length));
    }

    @Override
    public void close() throws IOException {
      super.close();
      record(hostPath, copy.toByteArray());
    }
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
    return netPid == 0 ? root.toString() : root + " (network namespace of pid " + netPid + ")";
  }
}
