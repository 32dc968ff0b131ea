package dev.timewait.analyzer.capture;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.linux.LinuxProcCollector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * A support bundle: the host files a report reads, as the collector read them, and agent snapshots
 * under {@link #SNAPSHOTS}. The host part is found by sampling the host through a recording {@link
 * HostRoot}, so it holds exactly what the collector reads, no more.
 */
public final class HostCapture {

  /** Where agent snapshots sit in a captured tree. */
  public static final String SNAPSHOTS = "timewait/snapshots";

  private final Map<String, byte[]> files = new TreeMap<>();
  private int snapshots;

  /** Reads the host under {@code root} (the running host: {@code /}) the way a report does. */
  public static HostCapture of(Path root) {
    HostRoot recording = HostRoot.recording(root);
    new LinuxProcCollector(recording).sampleTable();
    HostCapture capture = new HostCapture();
    for (Map.Entry<String, byte[]> file : recording.recorded().entrySet()) {
      capture.files.put(file.getKey().substring(1), file.getValue());
    }
    return capture;
  }

  /** Adds an agent snapshot as {@code timewait/snapshots/NAME.json}. */
  public void addSnapshot(String name, byte[] json) {
    String base = name.replaceAll("[^A-Za-z0-9._-]", "_");
    base = base.endsWith(".json") ? base.substring(0, base.length() - 5) : base;
    String path = SNAPSHOTS + "/" + base + ".json";
    for (int i = 2; files.containsKey(path); i++) {
      path = SNAPSHOTS + "/" + base + "-" + i + ".json";
    }
    files.put(path, json);
    snapshots++;
  }

  /** Host files captured. */
  public int hostFiles() {
    return files.size() - snapshots;
  }

  /** Agent snapshots added. */
  public int snapshots() {
    return snapshots;
  }

  /** The archive's entries: relative path to content. */
  public Map<String, byte[]> files() {
    return Map.copyOf(files);
  }

  /** Writes the bundle as a gzipped tar, atomically (a temp file beside it, then a rename). */
  public void write(Path archive) throws IOException {
    Path target = archive.toAbsolutePath();
    Path temp = Files.createTempFile(target.getParent(), ".timewait-capture-", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        TarGz.write(out, files, System.currentTimeMillis() / 1000);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
