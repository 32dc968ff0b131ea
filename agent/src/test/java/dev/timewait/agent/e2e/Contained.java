package dev.timewait.agent.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM as in a container: in new pid and mount namespaces ({@code unshare -m -p -f --mount-proc})
 * with a private {@code /tmp}, so that the JDK's attach API run on the host cannot see it.
 */
final class Contained {
  private Contained() {}

  /**
   * The launcher prefix for {@code ChildJvm}: the new namespaces, a tmpfs on {@code /tmp}, then
   * {@code before} (e.g. {@code setpriv ...}) and the JVM.
   */
  static String[] launcher(List<String> before) {
    List<String> command =
        new ArrayList<>(List.of("unshare", "-m", "-p", "-f", "--mount-proc", "sh", "-c"));
    String exec = before.isEmpty() ? "" : String.join(" ", before) + " ";
    command.add("mount -t tmpfs tmpfs /tmp && exec " + exec + "\"$0\" \"$@\"");
    return command.toArray(new String[0]);
  }

  /** The JVM's pid on this host: the java process at or below {@code pid} (the unshare). */
  static long javaBelow(long pid) throws IOException {
    for (int depth = 0; depth < 4; depth++) {
      if (Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("java")) {
        return pid;
      }
      String line =
          Files.readString(
                  Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"))
              .strip();
      if (line.isEmpty()) {
        break;
      }
      pid = Long.parseLong(line.split(" ")[0]);
    }
    throw new AssertionError("no java process at or below pid " + pid);
  }
}
