package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process runs as root: its effective uid in {@code /proc/self/status} is 0. */
final class RootUser {

  private RootUser() {}

  static boolean isRoot() {
    try {
      return isRoot(Files.readString(Path.of("/proc/self/status")));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether a {@code /proc/PID/status} text has effective uid 0 (the second {@code Uid:} field).
   */
  static boolean isRoot(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("Uid:")) {
        String[] ids = line.substring(4).strip().split("\\s+");
        return ids.length > 1 && ids[1].equals("0");
      }
    }
    return false;
  }
}
