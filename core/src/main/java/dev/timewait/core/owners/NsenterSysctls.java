package dev.timewait.core.owners;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads another namespace's sysctls with util-linux {@code nsenter --net=/proc/PID/ns/net}, which
 * needs root (CAP_SYS_ADMIN): one {@code head -v} prints every file with its name, in one process.
 */
public final class NsenterSysctls implements NamespaceSysctls {

  private static final long TIMEOUT_SECONDS = 5;
  private static final int MAX_OUTPUT = 64 * 1024;

  @Override
  public Map<String, String> read(long pid, List<String> paths, List<String> unavailable) {
    List<String> command = new ArrayList<>();
    command.add("nsenter");
    command.add("--net=/proc/" + pid + "/ns/net");
    command.add("--");
    command.add("head");
    command.add("-v");
    command.add("-c");
    command.add("4096");
    command.addAll(paths);
    String why;
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out;
      try (InputStream in = process.getInputStream()) {
        out = in.readNBytes(MAX_OUTPUT);
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        why = "nsenter did not finish in " + TIMEOUT_SECONDS + " s";
      } else {
        Map<String, String> files = parseHead(new String(out, StandardCharsets.UTF_8));
        if (!files.isEmpty()) {
          return files;
        }
        why = "nsenter exited with " + process.exitValue() + " and printed nothing (needs root)";
      }
    } catch (IOException e) {
      why = "nsenter (util-linux) could not run: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      why = "interrupted";
    }
    unavailable.add(
        "sysctls of the network namespace of pid " + pid + ": unavailable (" + why + ")");
    return null;
  }

  /**
   * The files in the output of {@code head -v file...}: each file's text after its {@code ==> name
   * <==} line, with the blank line head puts between files removed; a file head could not read has
   * no header and is absent.
   */
  static Map<String, String> parseHead(String output) {
    Map<String, String> files = new LinkedHashMap<>();
    String current = null;
    StringBuilder text = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      if (line.startsWith("==> ") && line.endsWith(" <==")) {
        if (current != null) {
          files.put(current, withoutSeparator(text));
        }
        current = line.substring(4, line.length() - 4);
        text.setLength(0);
      } else if (current != null) {
        text.append(line).append('\n');
      }
    }
    if (current != null) {
      files.put(current, withoutSeparator(text));
    }
    return files;
  }

  /** head ends each file with its own newline, then a blank line before the next header. */
  private static String withoutSeparator(StringBuilder text) {
    String s = text.toString();
    if (s.endsWith("\n\n")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.endsWith("\n") && s.length() == 1 ? "" : s;
  }
}
