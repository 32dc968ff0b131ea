package dev.timewait.analyzer.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A running JVM reached through the attach API, the JDK's own channel to a JVM of the same user (or
 * of any user, for root): a Unix socket in the JVM's temp folder, which the JVM checks the caller's
 * user on. Through it the command loads the agent, tells from the JVM's agent properties whether
 * the agent runs (with which options, from which jar, and where it answers snapshot requests), and
 * asks the running agent for its snapshot, which it writes to a file that only the JVM's user can
 * read. Reading loads nothing into the JVM (on JDK 21 and newer, each dynamic load prints a warning
 * there). Nothing listens in the JVM afterwards: no JMX connector is started, and the attach socket
 * is the JDK's own. A JVM in other namespaces (a container) is reached through {@code
 * /proc/PID/root}: the JDK finds its socket there, the agent jar is copied into its file system and
 * the snapshot read back from it.
 */
final class JvmConnection implements AutoCloseable {

  /** Agent property: the running agent's options, {@code k=v,...}; absent when none runs. */
  static final String OPTIONS_PROPERTY = "dev.timewait.agent.options";

  /** Agent property: the jar the running agent was loaded from, as the JVM sees it. */
  static final String JAR_PROPERTY = "dev.timewait.agent.jar";

  /** Agent property: the folder where the agent answers snapshot requests, as the JVM sees it. */
  static final String REQUESTS_PROPERTY = "dev.timewait.agent.requests";

  /** How long the agent has to answer a snapshot request (it looks five times a second). */
  private static final long ANSWER_MILLIS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final long pid;
  private final VirtualMachine vm;
  private final TargetFiles files;

  private JvmConnection(long pid, VirtualMachine vm, TargetFiles files) {
    this.pid = pid;
    this.vm = vm;
    this.files = files;
  }

  /** Attaches to {@code pid}; every failure becomes one line. */
  static JvmConnection attach(long pid) {
    checkLooksLikeJvm(pid);
    TargetFiles files = TargetFiles.of(pid);
    try {
      return new JvmConnection(pid, VirtualMachine.attach(String.valueOf(pid)), files);
    } catch (AttachNotSupportedException e) {
      throw new CliException(
          "cannot attach to pid "
              + pid
              + ": "
              + oneLine(e)
              + " (is it a JVM started without"
              + " -XX:+DisableAttachMechanism, run by this user?)");
    } catch (IOException e) {
      throw new CliException("cannot attach to pid " + pid + ": " + oneLine(e));
    } catch (LinkageError e) {
      throw new CliException("this Java runtime has no attach API (module jdk.attach): use a JDK");
    }
  }

  /**
   * On Linux, refuses a missing process or one that does not catch SIGQUIT: the attach mechanism
   * signals the target with SIGQUIT, which would kill a process that is not a JVM.
   */
  private static void checkLooksLikeJvm(long pid) {
    if (pid <= 0) {
      throw new CliException("invalid pid " + pid);
    }
    if (pid == ProcessHandle.current().pid()) {
      throw new CliException("pid " + pid + " is this tool itself");
    }
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc.resolve("self"))) {
      return;
    }
    ProcStatus status = ProcStatus.of(pid);
    if (status == null) {
      throw new CliException("no process with pid " + pid);
    }
    long nsPid = status.nsPid();
    if (Files.exists(proc.resolve(pid + "/root/tmp/.java_pid" + nsPid))
        || (nsPid == pid && Files.exists(Path.of("/tmp/.java_pid" + pid)))) {
      return; // the attach listener already runs: no signal is sent
    }
    if (!status.catchesSigquit()) {
      throw new CliException(
          "pid " + pid + " is not a Java VM that can be attached to (it does not handle SIGQUIT)");
    }
  }

  long pid() {
    return pid;
  }

  /**
   * Loads the agent jar with {@code options} (may be null or empty); a JVM in another file system
   * gets a copy of the jar in its temp folder.
   */
  void loadAgent(Path agentJar, String options) {
    String jar = files.agentJarFor(agentJar, tempDir());
    load(jar, options == null || options.isEmpty() ? null : options);
  }

  private void load(String jar, String options) {
    try {
      vm.loadAgent(jar, options);
    } catch (AgentLoadException | AgentInitializationException e) {
      throw new CliException("pid " + pid + " refused the agent " + jar + ": " + oneLine(e));
    } catch (IOException e) {
      throw new CliException("loading the agent into pid " + pid + " failed: " + oneLine(e));
    }
  }

  /**
   * The agent's snapshot JSON, or null when no agent runs there: the command puts a request in the
   * folder the agent names in its agent properties, and the agent's thread answers it within a
   * fraction of a second with a file only the JVM's user can read.
   */
  String snapshotJson() {
    Properties agent = agentProperties();
    if (agent.getProperty(OPTIONS_PROPERTY) == null) {
      return null;
    }
    String folder = agent.getProperty(REQUESTS_PROPERTY);
    if (folder == null) {
      throw new CliException(
          "pid "
              + pid
              + ": the agent cannot be asked for its snapshot (its standard error says why)");
    }
    String token = HexFormat.of().toHexDigits(RANDOM.nextLong());
    Path request = files.local(folder + "/" + token + ".request");
    Path answer = files.local(folder + "/" + token + ".json");
    try {
      Files.createFile(request);
    } catch (IOException e) {
      throw new CliException(
          "pid " + pid + ": cannot ask the agent for its snapshot: " + oneLine(e));
    }
    try {
      long deadline = System.nanoTime() + ANSWER_MILLIS * 1_000_000;
      while (!Files.exists(answer, LinkOption.NOFOLLOW_LINKS)) {
        if (System.nanoTime() > deadline
            || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          throw new CliException(
              "pid " + pid + ": the agent did not answer within " + ANSWER_MILLIS / 1000 + " s");
        }
        sleep(20);
      }
      return files.readOwnFile(answer, "the snapshot of pid " + pid);
    } finally {
      try {
        Files.deleteIfExists(request);
        Files.deleteIfExists(answer);
      } catch (IOException e) {
        // the JVM and its folder have gone
      }
    }
  }

  /**
   * The options the running agent was started with, or null when no agent runs there (none, one
   * that switched itself off, or one detached).
   */
  Map<String, String> agentOptions() {
    String options = agentProperties().getProperty(OPTIONS_PROPERTY);
    return options == null ? null : AttachCommand.parse(options);
  }

  private Properties agentProperties() {
    try {
      return vm.getAgentProperties();
    } catch (IOException e) {
      throw new CliException("reading the agent properties of pid " + pid + ": " + oneLine(e));
    }
  }

  /** The JVM's system properties, read over the attach channel. */
  Properties systemProperties() {
    try {
      return vm.getSystemProperties();
    } catch (IOException e) {
      throw new CliException("reading the system properties of pid " + pid + ": " + oneLine(e));
    }
  }

  private String tempDir() {
    String dir = systemProperties().getProperty("java.io.tmpdir", "/tmp");
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  /** Asks the running agent to remove itself, through the jar it was loaded from. */
  void detachAgent() {
    String jar = agentProperties().getProperty(JAR_PROPERTY);
    if (jar == null) {
      throw new CliException("pid " + pid + ": the agent does not say where its jar is");
    }
    load(jar, "detach");
  }

  /** Polls for the agent for up to {@code millis}: its options, or null. */
  Map<String, String> awaitAgent(long millis, Progress progress) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      Map<String, String> options = agentOptions();
      if (options != null || System.nanoTime() > deadline) {
        return options;
      }
      progress.show("waiting for the agent in pid " + pid + " ...");
      pause();
    }
  }

  /** Polls until the agent is gone, for up to {@code millis}; whether it went. */
  boolean awaitAgentGone(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (agentOptions() != null) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause();
    }
    return true;
  }

  private static void pause() {
    sleep(100);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  @Override
  public void close() {
    try {
      vm.detach();
    } catch (IOException e) {
      // the target may have exited; nothing to release
    }
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /**
   * The target's file system as this process reaches it: through {@code /proc/PID/root}, which
   * holds for a JVM in a container as for one beside this process, and also sees a private {@code
   * /tmp}.
   */
  record TargetFiles(long pid, Path root, boolean sameMounts, long uid) {

    static TargetFiles of(long pid) {
      Path root = Path.of("/proc", Long.toString(pid), "root");
      if (!Files.isDirectory(root)) {
        return new TargetFiles(pid, Path.of("/"), true, -1);
      }
      boolean same;
      try {
        same =
            Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "mnt"))
                .equals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
      } catch (IOException e) {
        same = true;
      }
      ProcStatus status = ProcStatus.of(pid);
      return new TargetFiles(pid, root, same, status == null ? -1 : status.uid());
    }

    /** Where this process finds {@code inTarget}, a path as the target sees it. */
    Path local(String inTarget) {
      return root.resolve(inTarget.startsWith("/") ? inTarget.substring(1) : inTarget);
    }

    /**
     * The path the target loads {@code jar} from: the jar itself, or, for a JVM in other mounts or
     * of another user (who may not read this user's files), a copy in its temp folder.
     */
    String agentJarFor(Path jar, String tempDir) {
      long self = ProcStatus.selfUid();
      if (sameMounts && (uid < 0 || uid == self)) {
        return jar.toAbsolutePath().toString();
      }
      try {
        byte[] bytes = Files.readAllBytes(jar);
        String hash =
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        String inTarget = tempDir + "/timewait-agent-" + hash + ".jar";
        Path here = local(inTarget);
        Path temp =
            here.resolveSibling(".timewait-agent-" + hash + "." + RANDOM.nextInt() + ".tmp");
        try {
          Files.write(temp, bytes, StandardOpenOption.CREATE_NEW);
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
          Files.move(temp, here, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(temp);
        }
        return inTarget;
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new CliException(
            "cannot copy the agent jar into the file system of pid " + pid + ": " + oneLine(e));
      }
    }

    /**
     * The content of {@code file}, which the target's user must have written: a regular file (not a
     * link) owned by the target's user; null when it is not there.
     */
    String readOwnFile(Path file, String what) {
      try {
        BasicFileAttributes attributes =
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile() || (uid >= 0 && ((Integer) owner) != uid)) {
          throw new CliException(
              what + ": " + file + " is not a file of the JVM's user (uid " + uid + ")");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CliException(
            what + " was not written (the JVM's standard error says why, e.g. an older agent)");
      } catch (IOException e) {
        throw new CliException(what + ": cannot read " + file + ": " + oneLine(e));
      }
    }
  }

  /** The pid of process {@code pid} in its own pid namespace (the same outside a container). */
  static long nsPid(long pid) {
    ProcStatus status = ProcStatus.of(pid);
    return status == null ? pid : status.nsPid();
  }

  /** The lines of {@code /proc/PID/status} that attaching needs. */
  record ProcStatus(long uid, long nsPid, boolean catchesSigquit) {

    /** The status of {@code pid}, or null when there is no such process. */
    static ProcStatus of(long pid) {
      try {
        return parse(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), pid);
      } catch (IOException e) {
        return null;
      }
    }

    static long selfUid() {
      ProcStatus self = of(ProcessHandle.current().pid());
      return self == null ? -1 : self.uid();
    }

    /** Parses the file's lines; fields that are missing keep a default (uid -1, the pid). */
    static ProcStatus parse(List<String> lines, long pid) {
      long uid = -1;
      long nsPid = pid;
      boolean catches = true;
      for (String line : lines) {
        String[] fields = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
        try {
          if (line.startsWith("Uid:") && fields.length > 1) {
            uid = Long.parseLong(fields[1]); // effective
          } else if (line.startsWith("NSpid:")) {
            nsPid = Long.parseLong(fields[fields.length - 1]); // innermost
          } else if (line.startsWith("SigCgt:")) {
            catches = (Long.parseUnsignedLong(fields[0], 16) & (1L << 2)) != 0;
          }
        } catch (NumberFormatException e) {
          // an odd line: keep the default
        }
      }
      return new ProcStatus(uid, nsPid, catches);
    }
  }
}
