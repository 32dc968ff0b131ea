package dev.timewait.analyzer.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The JVMs of this host: those the attach API lists (from their {@code hsperfdata} files) and the
 * processes whose {@code /proc} entry shows a JVM, which also finds JVMs in containers (another
 * {@code /tmp}, another pid namespace) and JVMs run with {@code -XX:-UsePerfData}.
 */
final class HostJvms {

  /**
   * One JVM found.
   *
   * @param pid its pid here
   * @param nsPid its pid in its own pid namespace (the same when it shares this one)
   * @param uid its effective user id, -1 when unknown
   * @param user its user's name, or the uid
   * @param commandLine its arguments, empty when unreadable
   */
  record Found(long pid, long nsPid, long uid, String user, List<String> commandLine) {

    /** The main class, jar or module, or {@code ?}. */
    String main() {
      String main = JavaCommandLine.mainOf(commandLine);
      return main == null ? "?" : main;
    }
  }

  private static final String AGENT_CLASS = "dev.timewait.agent.TimewaitAgent";

  /** Whether a jar (by descriptor and path) is the agent's, as jars stay open for long. */
  private static final Map<String, Boolean> AGENT_JARS = new ConcurrentHashMap<>();

  private HostJvms() {}

  /** Every JVM but this process, by pid. */
  static List<Found> find() {
    TreeSet<Long> pids = new TreeSet<>();
    try {
      for (VirtualMachineDescriptor descriptor : VirtualMachine.list()) {
        try {
          pids.add(Long.parseLong(descriptor.id()));
        } catch (NumberFormatException e) {
          // not a pid: another attach provider
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // no attach API here: /proc alone
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (!pids.contains(pid) && looksLikeJvm(entry)) {
          pids.add(pid);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc: the attach API's list alone
    }
    pids.remove(ProcessHandle.current().pid());
    List<Found> found = new ArrayList<>();
    for (long pid : pids) {
      Found jvm = describe(pid);
      if (jvm != null) {
        found.add(jvm);
      }
    }
    return found;
  }

  /** What {@code /proc} says of {@code pid}, or null when it has gone. */
  static Found describe(long pid) {
    JvmConnection.ProcStatus status = JvmConnection.ProcStatus.of(pid);
    if (status == null) {
      return null;
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    String user;
    try {
      user = Files.getOwner(proc).getName();
    } catch (IOException | UnsupportedOperationException e) {
      user = Long.toString(status.uid());
    }
    return new Found(pid, status.nsPid(), status.uid(), user, commandLine(proc));
  }

  private static List<String> commandLine(Path proc) {
    try {
      String raw = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      if (raw.isEmpty()) {
        return List.of();
      }
      return Arrays.asList(raw.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * A process whose program is named {@code java}, or that maps {@code libjvm.so} (readable for
   * this user's processes, or for all as root).
   */
  private static boolean looksLikeJvm(Path proc) {
    try {
      if (Files.readString(proc.resolve("comm")).strip().equals("java")) {
        return true;
      }
    } catch (IOException e) {
      return false;
    }
    try (var lines = Files.lines(proc.resolve("maps"))) {
      return lines.anyMatch(line -> line.endsWith("/libjvm.so"));
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  /**
   * Whether one of the process's open files is a jar whose manifest names the agent's class, which
   * holds for {@code -javaagent} and for an attached agent alike (false when unreadable).
   */
  static boolean hasAgentJar(long pid) {
    Path fds = Path.of("/proc", Long.toString(pid), "fd");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
      for (Path fd : entries) {
        Path target;
        try {
          target = Files.readSymbolicLink(fd);
        } catch (IOException | UnsupportedOperationException e) {
          continue;
        }
        if (target.toString().endsWith(".jar")
            && AGENT_JARS.computeIfAbsent(fd.toString() + target, key -> isAgentJar(fd))) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** Read through the descriptor, which also reaches a jar in another mount namespace. */
  private static boolean isAgentJar(Path fd) {
    try (JarFile file = new JarFile(fd.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest != null
          && AGENT_CLASS.equals(manifest.getMainAttributes().getValue("Agent-Class"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The {@code JAVA_VERSION} of the runtime that {@code /proc/PID/exe} belongs to, or null. */
  static String runtimeVersion(long pid) {
    try {
      Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
      Path release =
          Path.of("/proc", Long.toString(pid), "root")
              .resolve(exe.toString().substring(1))
              .getParent()
              .resolveSibling("release");
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          return line.substring("JAVA_VERSION=".length()).replace("\"", "");
        }
      }
    } catch (IOException | RuntimeException e) {
      // not readable for this user, or not a JDK layout
    }
    return null;
  }
}
