package dev.timewait.analyzer.cli;

import dev.timewait.analyzer.top.AgentSource;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents' snapshots over the attach channel, as {@code report --pid} reads them. With no PID
 * given, follows every JVM of this host that runs the timewait agent, looked for again every few
 * seconds: only a JVM that has the agent's jar open is attached to, so a JVM without timewait is
 * left alone.
 */
final class AttachedAgentSource implements AgentSource {

  private static final long DISCOVER_EVERY_MILLIS = 5000;

  private final List<Long> pids;
  private final Map<Long, JvmConnection> jvms = new LinkedHashMap<>();
  private final SnapshotReader reader = new SnapshotReader();
  private long discoveredAt;

  /** Follows {@code pids}; none: every JVM with the agent. */
  AttachedAgentSource(List<Long> pids) {
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
        snapshots.add(reader.read(json, "pid " + pid).withHostPid(JvmConnection.nsPid(pid), pid));
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
    for (HostJvms.Found jvm : HostJvms.find()) {
      if (jvms.containsKey(jvm.pid()) || !HostJvms.hasAgentJar(jvm.pid())) {
        continue;
      }
      try {
        jvms.put(jvm.pid(), JvmConnection.attach(jvm.pid()));
      } catch (CliException e) {
        problems.add(Main.firstLine(e.getMessage()));
      }
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
