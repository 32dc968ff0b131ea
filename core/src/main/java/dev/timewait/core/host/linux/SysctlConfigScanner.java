package dev.timewait.core.host.linux;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.SysctlFileEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists what the sysctl configuration files set, with file and line, in the order {@code sysctl
 * --system} applies them: {@code /etc/sysctl.d/*.conf} by name, then {@code /etc/sysctl.conf}
 * (which wins). Lets a report point at the line that sets, say, a {@code tcp_tw_recycle} the kernel
 * no longer has.
 */
public final class SysctlConfigScanner {

  private SysctlConfigScanner() {}

  public static List<SysctlFileEntry> scan(HostRoot root) {
    List<SysctlFileEntry> entries = new ArrayList<>();
    for (Path file : root.list("/etc/sysctl.d", "*.conf")) {
      String hostPath = root.hostPath(file);
      parse(hostPath, root.read(hostPath), entries);
    }
    Path main = root.resolve("/etc/sysctl.conf");
    if (Files.isRegularFile(main)) {
      parse("/etc/sysctl.conf", root.read("/etc/sysctl.conf"), entries);
    }
    return entries;
  }

  /**
   * Adds the settings of one file's text. Comments start with {@code #} or {@code ;}; a leading
   * {@code -} (ignore errors) is dropped; slashes in keys are read as dots.
   */
  public static void parse(String file, String text, List<SysctlFileEntry> into) {
    if (text == null) {
      return;
    }
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        continue;
      }
      String key = line.substring(0, equals).strip();
      if (key.startsWith("-")) {
        key = key.substring(1).strip();
      }
      if (key.isEmpty()) {
        continue;
      }
      key = key.replace('/', '.');
      into.add(new SysctlFileEntry(key, line.substring(equals + 1).strip(), file, i + 1));
    }
  }
}
