package dev.timewait.analyzer.cli;

import java.util.List;
import java.util.Set;

/**
 * What a {@code java} command line runs: the main class, the jar after {@code -jar}, or the module
 * after {@code -m}, read from the arguments as {@code /proc/PID/cmdline} gives them, which anyone
 * on the host may read.
 */
final class JavaCommandLine {

  /** Launcher options whose value is the next argument. */
  private static final Set<String> TAKES_VALUE =
      Set.of(
          "-cp",
          "-classpath",
          "--class-path",
          "-p",
          "--module-path",
          "--upgrade-module-path",
          "--add-modules",
          "--limit-modules",
          "--add-reads",
          "--add-exports",
          "--add-opens",
          "--patch-module",
          "--source",
          "--enable-native-access");

  private JavaCommandLine() {}

  /** The main class, jar or module; null when the arguments name none (e.g. an embedded JVM). */
  static String mainOf(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("-jar") || arg.equals("-m") || arg.equals("--module")) {
        return i + 1 < args.size() ? args.get(i + 1) : null;
      }
      if (arg.startsWith("--module=")) {
        return arg.substring("--module=".length());
      }
      if (TAKES_VALUE.contains(arg)) {
        i++;
        continue;
      }
      if (!arg.startsWith("-")) {
        return arg;
      }
    }
    return null;
  }
}
