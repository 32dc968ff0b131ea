package dev.timewait.analyzer.cli;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.timewait.analyzer.top.AgentSource;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The agents' snapshots over each JVM's local JMX connector, as {@code report --pid} reads them.
 * With no PID given, follows every JVM of this user that has the timewait agent loaded, looked for
 * again every few seconds: a JVM counts when one of its open files is a jar whose manifest names
 * the agent's class, which holds for {@code -javaagent} and for an attached agent alike, and never
 * starts a management agent in a JVM without timewait.
 */
final class JmxAgentSource implements AgentSource {

  private static final String AGENT_CLASS = "dev.timewait.agent.TimewaitAgent";
  private static final long DISCOVER_EVERY_MILLIS = 5000;

  private final List<Long> pids;
  private final Map<Long, JvmConnection> jvms = new LinkedHashMap<>();
  private final Map<Path, Boolean> agentJars = new HashMap<>();
  private final SnapshotReader reader = new SnapshotReader();
  private long discoveredAt;

  /** Follows {@code pids}; none: every JVM with the agent. */
  JmxAgentSource(List<Long> pids) {
    this.pids = List.copyOf(pids);
    for (long pid : pids) {
      jvms.put(pid, JvmConnection.attach(pid));
    }
  }

  @Override
  public List<Snapshot> read(List<String> problems) {
    if (pids.isEmpty() && System.currentTimeMillis() - discoveredAt > DISCOVER_EVERY_MILLIS) {
      discover(problems);
      discoveredAt = System.currentTimeMillis();
    }
    List<Snapshot> snapshots = new ArrayList<>();
    Iterator<Map.Entry<Long, JvmConnection>> it = jvms.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, JvmConnection> entry = it.next();
      long pid = entry.getKey();
      try {
        String json = entry.getValue().snapshotJson();
        if (json == null) {
          problems.add("pid " + pid + ": no timewait agent");
          continue;
        }
        snapshots.add(reader.read(json, "pid " + pid));
      } catch (CliException | SnapshotException e) {
        problems.add("pid " + pid + ": " + Main.firstLine(e.getMessage()));
        if (pids.isEmpty()) {
          entry.getValue().close(); // gone: discovery finds it again if it comes back
          it.remove();
        }
      }
    }
    return snapshots;
  }

  private void discover(List<String> problems) {
    List<VirtualMachineDescriptor> listed;
    try {
      listed = VirtualMachine.list();
    } catch (RuntimeException | LinkageError e) {
      problems.add("cannot list the JVMs of this host: " + e);
      return;
    }
    long self = ProcessHandle.current().pid();
    for (VirtualMachineDescriptor descriptor : listed) {
      long pid;
      try {
        pid = Long.parseLong(descriptor.id());
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == self || jvms.containsKey(pid) || !hasAgent(pid)) {
        continue;
      }
      try {
        jvms.put(pid, JvmConnection.attach(pid));
      } catch (CliException e) {
        problems.add(Main.firstLine(e.getMessage()));
      }
    }
  }

  /** Whether one of the process's open files is the timewait agent's jar. */
  private boolean hasAgent(long pid) {
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
            && agentJars.computeIfAbsent(target, JmxAgentSource::isAgentJar)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static boolean isAgentJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest != null
          && AGENT_CLASS.equals(manifest.getMainAttributes().getValue("Agent-Class"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (JvmConnection jvm : jvms.values()) {
      jvm.close();
    }
    jvms.clear();
  }
}
