package dev.timewait.analyzer.cli;

import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running JVMs a report reads over the attach channel: those named by PID, whose failures end
 * the command, and with {@code --all-jvms} every other JVM of the host that runs the agent (with
 * {@code --attach}, every JVM), of which one that cannot be read is named with the reason, on
 * standard error and among the report's sources, and the report goes on.
 */
final class ReportJvms implements AutoCloseable {

  private static final long START_MILLIS = 5000;

  private final Map<Long, JvmConnection> jvms = new LinkedHashMap<>();
  private final Set<Long> named = new LinkedHashSet<>();
  private final Map<Long, Snapshot> lastRead = new LinkedHashMap<>();
  private final Path agentJar;
  private final List<String> sources;
  private final PrintWriter err;

  /**
   * @param agentJar the jar to load where the agent is missing, or null to load nothing
   */
  private ReportJvms(Path agentJar, List<String> sources, PrintWriter err) {
    this.agentJar = agentJar;
    this.sources = sources;
    this.err = err;
  }

  /**
   * Attaches to the named {@code pids} and, with {@code all}, to the host's other JVMs (those of
   * {@code user} only, a name or a uid, when it is not null).
   */
  static ReportJvms open(
      List<Long> pids,
      boolean all,
      String user,
      Path agentJar,
      List<String> sources,
      PrintWriter err,
      Progress progress) {
    ReportJvms result = new ReportJvms(agentJar, sources, err);
    try {
      for (long pid : pids) {
        progress.show("attaching to pid " + pid + " ...");
        result.jvms.put(pid, JvmConnection.attach(pid));
        result.named.add(pid);
        sources.add("JVM pid " + pid + " (attach)");
      }
      if (all) {
        result.openAll(user, progress);
      }
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    }
  }

  private void openAll(String user, Progress progress) {
    long self = JvmConnection.ProcStatus.selfUid();
    List<String> withoutAgent = new ArrayList<>();
    List<String> otherUsers = new ArrayList<>();
    for (HostJvms.Found jvm : HostJvms.find()) {
      long pid = jvm.pid();
      if (jvms.containsKey(pid)) {
        continue;
      }
      if (user != null && !user.equals(jvm.user()) && !user.equals(Long.toString(jvm.uid()))) {
        otherUsers.add(Long.toString(pid));
        continue;
      }
      String label = "JVM pid " + pid + " (" + jvm.main() + ", user " + jvm.user() + ")";
      if (self != 0 && jvm.uid() >= 0 && jvm.uid() != self) {
        problem(pid, label, "run by " + jvm.user() + ": only that user or root may attach to it");
        continue;
      }
      if (agentJar == null && !HostJvms.hasAgentJar(pid)) {
        withoutAgent.add(Long.toString(pid));
        continue;
      }
      progress.show("attaching to pid " + pid + " ...");
      JvmConnection connection = null;
      try {
        connection = JvmConnection.attach(pid);
        if (agentJar == null && connection.agentOptions() == null) {
          connection.close(); // its agent was detached
          withoutAgent.add(Long.toString(pid));
          continue;
        }
        jvms.put(pid, connection);
        sources.add(label + " (attach)");
      } catch (CliException e) {
        if (connection != null) {
          connection.close();
        }
        problem(pid, label, Main.firstLine(e.getMessage()));
      }
    }
    if (!withoutAgent.isEmpty()) {
      sources.add(
          "JVMs without the timewait agent (--attach loads it): pid "
              + String.join(", ", withoutAgent));
    }
    if (!otherUsers.isEmpty()) {
      sources.add(
          "JVMs of users other than " + user + " (--user): pid " + String.join(", ", otherUsers));
    }
  }

  /**
   * Reads every JVM's snapshot. A named JVM that cannot be read ends the command; another is named
   * and dropped, and one read before is reported with what it gave then.
   */
  List<Snapshot> read(SnapshotReader reader, Progress progress) {
    List<Snapshot> result = new ArrayList<>();
    for (Long pid : new ArrayList<>(jvms.keySet())) {
      JvmConnection jvm = jvms.get(pid);
      progress.show("reading the agent of pid " + pid + " ...");
      try {
        result.add(read(jvm, reader, progress));
      } catch (CliException | SnapshotException e) {
        Snapshot before = lastRead.get(pid);
        if (named.contains(pid) && before == null) {
          throw e instanceof CliException cli ? cli : new CliException(e.getMessage(), e);
        }
        jvms.remove(pid).close();
        problem(
            pid,
            "JVM pid " + pid,
            Main.firstLine(e.getMessage())
                + (before == null ? "" : " (reported as read at " + before.takenAt() + ")"));
        if (before != null) {
          result.add(before);
        }
      }
    }
    return result;
  }

  private Snapshot read(JvmConnection jvm, SnapshotReader reader, Progress progress)
      throws SnapshotException {
    long pid = jvm.pid();
    String json = jvm.snapshotJson();
    if (json == null && agentJar != null) {
      progress.show("loading the agent into pid " + pid + " ...");
      jvm.loadAgent(agentJar, null);
      if (jvm.awaitAgent(START_MILLIS, progress) != null) {
        json = jvm.snapshotJson();
      }
    }
    if (json == null) {
      throw new CliException(
          "pid "
              + pid
              + " has no timewait agent"
              + (agentJar != null ? " after loading it" : " (use --attach to load it)"));
    }
    // a JVM in a container knows itself by the pid of its own namespace: here it is this pid
    Snapshot snapshot = reader.read(json, "pid " + pid).withHostPid(JvmConnection.nsPid(pid), pid);
    lastRead.put(pid, snapshot);
    return snapshot;
  }

  private void problem(long pid, String label, String why) {
    String line = why.contains("pid " + pid) ? why : "pid " + pid + ": " + why;
    err.println("timewait: " + line);
    sources.add(label + ": not read: " + why);
  }

  @Override
  public void close() {
    for (JvmConnection jvm : jvms.values()) {
      jvm.close();
    }
    jvms.clear();
  }
}
