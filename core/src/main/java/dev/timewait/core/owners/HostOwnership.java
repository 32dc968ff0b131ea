package dev.timewait.core.owners;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.host.linux.SysctlReader;
import dev.timewait.core.match.TimeWaitMatcher;
import dev.timewait.core.rules.AgentActivity;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Snapshot;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the owner of every TIME_WAIT socket of a host, per network namespace: the reader's own
 * namespace, or every namespace that has a process in it. Each namespace's tables are read through
 * {@code /proc/PID/net} of one of its processes with the ordinary {@link LinuxProcCollector}, its
 * sysctls inside it ({@link NamespaceSysctls}). Call {@link #sample()} during a window so that
 * clients which hold a connection only now and then are seen; {@link #owners(List)} ends it. Never
 * throws on odd input: what it cannot read goes to {@link #unavailable()}.
 */
public final class HostOwnership {

  private final HostRoot root;
  private final boolean allNamespaces;
  private final NamespaceSysctls sysctls;
  private final OwnerMemory memory = new OwnerMemory();
  private final List<String> unavailable = new ArrayList<>();

  /** The namespaces seen at the samples within the window, with their processes then. */
  private final Map<Long, List<HostProcess>> seen = new ConcurrentHashMap<>();

  /**
   * @param root the host ({@link HostRoot#live()}) or a captured tree with {@code /proc/PID}
   * @param allNamespaces every namespace with a process, or only the reader's own
   * @param sysctls how the sysctls of a namespace other than the reader's are read
   */
  public HostOwnership(HostRoot root, boolean allNamespaces, NamespaceSysctls sysctls) {
    this.root = root;
    this.allNamespaces = allNamespaces;
    this.sysctls = sysctls;
  }

  /** This host; other namespaces' sysctls through {@code nsenter}. */
  public static HostOwnership live(boolean allNamespaces) {
    return new HostOwnership(HostRoot.live(), allNamespaces, new NsenterSysctls());
  }

  /**
   * Samples who holds which sockets now, for the estimates of the final {@link #owners}: the tables
   * and descriptors only, without the namespaces' sysctls, and without lines for what it could not
   * read (only the final sample's are the report's).
   */
  public void sample() {
    read(List.of(), false);
  }

  /**
   * Samples once more and names the owners of every TIME_WAIT socket: exact where a snapshot's
   * recent active closes name the 4-tuple (matched in the namespace of the snapshot's pid, or the
   * reader's when that pid does not run here), else estimated, else unknown.
   */
  public List<NamespaceOwners> owners(List<Snapshot> snapshots) {
    return read(snapshots == null ? List.of() : snapshots, true);
  }

  /** What could not be read so far, one line each, without repeats. */
  public List<String> unavailable() {
    synchronized (unavailable) {
      return List.copyOf(unavailable);
    }
  }

  private void note(List<String> lines) {
    synchronized (unavailable) {
      for (String line : lines) {
        if (!unavailable.contains(line)) {
          unavailable.add(line);
        }
      }
    }
  }

  /** The site a matched 4-tuple belongs to. */
  private record Exact(Snapshot snapshot, RecentClose close) {}

  private List<NamespaceOwners> read(List<Snapshot> snapshots, boolean last) {
    ProcessScan scan = ProcessScan.read(root);
    List<String> lines = new ArrayList<>(scan.unavailable());
    Map<Long, List<HostProcess>> namespaces = scan.byNamespace();
    Long own = scan.ownNetns();
    Map<Long, Map<SocketPair, Exact>> exact =
        last ? exactByNamespace(scan, snapshots, lines) : new HashMap<>();
    List<NamespaceOwners> result = new ArrayList<>();
    if (!allNamespaces || own == null && namespaces.isEmpty()) {
      List<HostProcess> processes =
          own == null ? List.of() : namespaces.getOrDefault(own, List.of());
      NamespaceOwners ns =
          readNamespace(
              own, true, 0, root, processes, scan, exact.getOrDefault(own, Map.of()), lines);
      result.add(ns);
    } else {
      for (Map.Entry<Long, List<HostProcess>> entry : namespaces.entrySet()) {
        long netns = entry.getKey();
        Map<SocketPair, Exact> matches = exact.getOrDefault(netns, Map.of());
        NamespaceOwners ns =
            own != null && own == netns
                ? readNamespace(netns, true, 0, root, entry.getValue(), scan, matches, lines)
                : readOther(netns, entry.getValue(), scan, matches, last, lines);
        if (ns != null) {
          result.add(ns);
        }
      }
    }
    if (last) {
      for (Map.Entry<Long, List<HostProcess>> gone : seen.entrySet()) {
        if (allNamespaces && !namespaces.containsKey(gone.getKey())) {
          lines.add(
              "network namespace "
                  + gone.getKey()
                  + ": gone during the window (its processes "
                  + labels(gone.getValue())
                  + " exited); left out");
        }
      }
      note(lines);
    } else {
      seen.putAll(namespaces);
    }
    return result;
  }

  /** A namespace not the reader's, through the first of its processes that is still there. */
  private NamespaceOwners readOther(
      long netns,
      List<HostProcess> processes,
      ProcessScan scan,
      Map<SocketPair, Exact> matches,
      boolean withSysctls,
      List<String> lines) {
    for (HostProcess reader : processes) {
      if (!Files.exists(root.resolve("/proc/" + reader.pid() + "/net/tcp"))) {
        continue; // exited since the scan
      }
      List<String> namespaceLines = new ArrayList<>();
      Map<String, String> values =
          withSysctls
              ? sysctls.read(reader.pid(), SysctlReader.NAMESPACE_FILES, namespaceLines)
              : Map.of();
      HostRoot view = root.networkNamespaceOf(reader.pid(), values);
      NamespaceOwners ns =
          readNamespace(netns, false, reader.pid(), view, processes, scan, matches, namespaceLines);
      if (Files.isDirectory(root.resolve("/proc/" + reader.pid()))) {
        lines.addAll(namespaceLines);
        return ns;
      }
      // the reader exited during the read, so its tables may have ended early: try the next one
    }
    lines.add(
        "network namespace "
            + netns
            + ": every process in it exited before its tables were read; left out");
    return null;
  }

  private NamespaceOwners readNamespace(
      Long netns,
      boolean own,
      long readerPid,
      HostRoot view,
      List<HostProcess> processes,
      ProcessScan scan,
      Map<SocketPair, Exact> matches,
      List<String> lines) {
    NamespaceSockets sockets = new NamespaceSockets();
    HostSample sample = new LinuxProcCollector(view).sampleTable(matches.keySet(), sockets);
    for (String line : sample.unavailable()) {
      lines.add(netns == null ? line : "network namespace " + netns + ": " + line);
    }
    Instant now = sample.takenAt();
    long key = netns == null ? 0 : netns;
    Map<ClientDestination, Map<Long, Integer>> holders = new HashMap<>();
    for (Map.Entry<Long, ClientDestination> connection : sockets.connections.entrySet()) {
      HostProcess process = holder(scan, connection.getKey());
      if (process != null) {
        holders
            .computeIfAbsent(connection.getValue(), d -> new HashMap<>())
            .merge(process.pid(), 1, Integer::sum);
        memory.sawConnection(key, connection.getValue(), process, now);
      }
    }
    Map<Integer, HostProcess> listeners = new HashMap<>();
    for (Map.Entry<Long, Integer> listener : sockets.listeners.entrySet()) {
      HostProcess process = holder(scan, listener.getKey());
      if (process != null) {
        listeners.merge(listener.getValue(), process, (a, b) -> a.pid() <= b.pid() ? a : b);
        memory.sawListener(key, listener.getValue(), process, now);
      }
    }
    OwnerTally tally = new OwnerTally(netns);
    for (SocketPair pair : sockets.timeWait) {
      Exact match = matches.get(pair);
      if (match != null) {
        tally.exact(
            match.snapshot(), AgentActivity.jvmLabel(match.snapshot()), match.close().site());
      } else if (sockets.listeningPorts.get(pair.localPort())) {
        tally.listener(
            pair.localPort(),
            listeners.get(pair.localPort()),
            memory.listener(key, pair.localPort()));
      } else {
        ClientDestination to =
            new ClientDestination(pair.localIp(), pair.remoteIp(), pair.remotePort());
        tally.client(to, busiest(scan, holders.get(to)), memory.connection(key, to));
      }
    }
    return new NamespaceOwners(
        netns, own, readerPid, processes, sample, sockets.timeWait.size(), tally.owners());
  }

  private static String labels(List<HostProcess> processes) {
    List<String> labels = new ArrayList<>();
    for (HostProcess process : processes) {
      labels.add(process.label());
    }
    return String.join(", ", labels);
  }

  private static HostProcess holder(ProcessScan scan, long inode) {
    Long pid = scan.socketOwners().get(inode);
    return pid == null ? null : scan.processes().get(pid);
  }

  /** The process with most sockets to the destination now (lowest pid on a tie), or null. */
  private static HostProcess busiest(ProcessScan scan, Map<Long, Integer> counts) {
    if (counts == null) {
      return null;
    }
    long best = -1;
    int most = 0;
    for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
      if (entry.getValue() > most || entry.getValue() == most && entry.getKey() < best) {
        best = entry.getKey();
        most = entry.getValue();
      }
    }
    return scan.processes().get(best);
  }

  /**
   * The recent closes of each snapshot, by the namespace its JVM runs in. A 4-tuple two snapshots
   * both name goes to the later close, so no TIME_WAIT socket is counted twice.
   */
  private static Map<Long, Map<SocketPair, Exact>> exactByNamespace(
      ProcessScan scan, List<Snapshot> snapshots, List<String> lines) {
    Map<Long, Map<SocketPair, Exact>> result = new HashMap<>();
    for (Snapshot snapshot : snapshots) {
      if (snapshot.recentActiveCloses().isEmpty()) {
        continue;
      }
      long pid = snapshot.jvm() == null ? 0 : snapshot.jvm().pid();
      HostProcess process = scan.processes().get(pid);
      Long netns = process == null ? scan.ownNetns() : Long.valueOf(process.netns());
      if (process == null) {
        lines.add(
            AgentActivity.jvmLabel(snapshot)
                + ": not running here; its recent closes are matched in this process's network"
                + " namespace");
      }
      Map<SocketPair, Exact> pairs = result.computeIfAbsent(netns, n -> new HashMap<>());
      for (Map.Entry<SocketPair, RecentClose> entry :
          TimeWaitMatcher.latestByPair(snapshot.recentActiveCloses()).entrySet()) {
        Exact candidate = new Exact(snapshot, entry.getValue());
        pairs.merge(entry.getKey(), candidate, HostOwnership::later);
      }
    }
    return result;
  }

  private static Exact later(Exact a, Exact b) {
    Instant at = a.close().at();
    return at == null || b.close().at() != null && b.close().at().isAfter(at) ? b : a;
  }
}
