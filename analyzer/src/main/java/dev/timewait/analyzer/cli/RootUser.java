package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process runs as root: its effective uid in {@code /proc/self/status} is 0. */
final class RootUser {

  private RootUser() {}

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).strip().split("\\s+");
          return ids.length > 1 && ids[1].equals("0");
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }
}
