package dev.timewait.core.owners;

import dev.timewait.core.host.HostRoot;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes of a host with their network namespaces and the sockets they hold, read from {@code
 * /proc/PID} ({@code ns/net}, {@code comm}, {@code cmdline}, {@code cgroup}, {@code fd}). A process
 * that exits while it is read is left out with one line in {@link #unavailable()}.
 *
 * @param processes by pid
 * @param socketOwners socket inode ({@code socket:[N]} under {@code /proc/PID/fd}) to the pid that
 *     holds it (the lowest pid when several share it)
 * @param ownNetns the reader's network namespace ({@code /proc/self/ns/net}), or null when unknown
 *     (a captured tree)
 * @param unavailable what could not be read, one line each
 */
public record ProcessScan(
    Map<Long, HostProcess> processes,
    Map<Long, Long> socketOwners,
    Long ownNetns,
    List<String> unavailable) {

  /** Exited processes named one line each, up to this many; the rest in one line. */
  static final int MAX_EXIT_LINES = 10;

  private static final int MAX_COMMAND_LINE = 200;
  private static final Pattern NET_LINK = Pattern.compile("net:\\[(\\d+)]");
  private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");
  private static final Pattern CONTAINER_ID =
      Pattern.compile("(?<![0-9a-f])([0-9a-f]{64})(?![0-9a-f])");

  public ProcessScan {
    processes = Map.copyOf(processes);
    socketOwners = Map.copyOf(socketOwners);
    unavailable = List.copyOf(unavailable);
  }

  /** Reads every process under {@code root}'s {@code /proc}. */
  public static ProcessScan read(HostRoot root) {
    Map<Long, HostProcess> processes = new TreeMap<>();
    Map<Long, Long> sockets = new HashMap<>();
    List<String> unavailable = new ArrayList<>();
    List<Long> exited = new ArrayList<>();
    int unreadable = 0;
    int fdsUnreadable = 0;
    for (long pid : pids(root)) {
      Long netns;
      try {
        netns =
            netnsOf(Files.readSymbolicLink(root.resolve("/proc/" + pid + "/ns/net")).toString());
      } catch (AccessDeniedException e) {
        unreadable++;
        continue;
      } catch (IOException | RuntimeException e) {
        // gone, or a zombie, whose namespaces are already released
        exited.add(pid);
        continue;
      }
      if (netns == null) {
        continue; // not a namespace link: nothing to attribute
      }
      String name = root.readLine("/proc/" + pid + "/comm");
      HostProcess process =
          new HostProcess(
              pid,
              name,
              commandLine(root.read("/proc/" + pid + "/cmdline")),
              containerId(root.read("/proc/" + pid + "/cgroup")),
              netns);
      int fds = readSockets(root, pid, sockets);
      if (fds == FDS_GONE || (name == null && gone(root, pid))) {
        exited.add(pid);
        continue;
      }
      if (fds == FDS_DENIED) {
        fdsUnreadable++;
      }
      processes.put(pid, process);
    }
    for (int i = 0; i < exited.size() && i < MAX_EXIT_LINES; i++) {
      unavailable.add("process " + exited.get(i) + ": exited while it was read; left out");
    }
    if (exited.size() > MAX_EXIT_LINES) {
      unavailable.add(
          (exited.size() - MAX_EXIT_LINES) + " more processes exited while they were read");
    }
    if (unreadable > 0) {
      unavailable.add(
          countOfProcesses(unreadable)
              + ": network namespace not readable (another user's; run as root)");
    }
    if (fdsUnreadable > 0) {
      unavailable.add(
          countOfProcesses(fdsUnreadable)
              + ": open sockets not readable (another user's; run as root), so their TIME_WAIT"
              + " sockets are counted as unknown");
    }
    // a captured tree has no /proc/self: every namespace is then read through its processes
    Long own = NetworkNamespaceName.inode(root);
    return new ProcessScan(processes, sockets, own, unavailable);
  }

  private static String countOfProcesses(int count) {
    return count + (count == 1 ? " process" : " processes");
  }

  /**
   * The processes of each network namespace, by namespace inode, each list by pid. Kernel threads
   * (no command line) are left out: they hold no socket through a descriptor.
   */
  public Map<Long, List<HostProcess>> byNamespace() {
    Map<Long, List<HostProcess>> namespaces = new TreeMap<>();
    for (HostProcess process : new TreeMap<>(processes).values()) {
      if (process.commandLine() == null) {
        continue;
      }
      namespaces.computeIfAbsent(process.netns(), n -> new ArrayList<>()).add(process);
    }
    return namespaces;
  }

  private static List<Long> pids(HostRoot root) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve("/proc"))) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 19) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    pids.sort(null);
    return pids;
  }

  private static boolean gone(HostRoot root, long pid) {
    return !Files.isDirectory(root.resolve("/proc/" + pid));
  }

  /** The inode in a {@code net:[4026531840]} link, or null. */
  static Long netnsOf(String link) {
    Matcher m = NET_LINK.matcher(link);
    return m.matches() ? Long.valueOf(m.group(1)) : null;
  }

  private static final int FDS_GONE = -1;
  private static final int FDS_DENIED = -2;

  /** Adds the process's socket inodes; returns how many, or FDS_GONE / FDS_DENIED. */
  private static int readSockets(HostRoot root, long pid, Map<Long, Long> sockets) {
    int count = 0;
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(root.resolve("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | RuntimeException e) {
          continue; // closed since the listing
        }
        Matcher m = SOCKET_LINK.matcher(target);
        if (m.matches()) {
          sockets.merge(Long.valueOf(m.group(1)), pid, Math::min);
          count++;
        }
      }
    } catch (NoSuchFileException e) {
      return FDS_GONE;
    } catch (AccessDeniedException e) {
      return FDS_DENIED;
    } catch (IOException | RuntimeException e) {
      return gone(root, pid) ? FDS_GONE : FDS_DENIED;
    }
    return count;
  }

  /** The arguments separated by spaces, shortened; null when there are none. */
  static String commandLine(String raw) {
    if (raw == null) {
      return null;
    }
    String text = raw.replace('\0', ' ').strip();
    if (text.isEmpty()) {
      return null;
    }
    return text.length() <= MAX_COMMAND_LINE ? text : text.substring(0, MAX_COMMAND_LINE) + "...";
  }

  /**
   * The container id in a cgroup file: the last 64-hex-digit name on its paths, as Docker,
   * containerd, CRI-O and Podman name their scopes ({@code docker-<id>.scope}, {@code
   * /docker/<id>}, {@code cri-containerd-<id>.scope}); null when there is none.
   */
  static String containerId(String cgroup) {
    if (cgroup == null) {
      return null;
    }
    String id = null;
    Matcher m = CONTAINER_ID.matcher(cgroup);
    while (m.find()) {
      id = m.group(1);
    }
    return id;
  }
}
