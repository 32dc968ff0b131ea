package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own, with only loopback up: the processes the test runs in it
 * (with {@link #launcher()}, {@link #inside} or {@link #start}) see its connection table, TCP
 * counters and sysctls and nothing else. An anchor process ({@code unshare -n}, then {@code sleep})
 * keeps it alive; others join it with {@code nsenter}. Its tables are read through the anchor's
 * {@code /proc/PID/net}. The processes {@link #start} started are killed on {@link #close()}; the
 * namespace, its veth ends and its nftables rules end with the last process in it, also when a test
 * fails; nothing outside it changes.
 */
public final class NetNamespace implements AutoCloseable {
  /** The anchor ends by itself after this long, should the suite not end it. */
  private static final String ANCHOR_SECONDS = "1800";

  private final Process anchor;
  private final Path net;
  private final List<Process> started = new ArrayList<>();

  private NetNamespace(Process anchor) {
    this.anchor = anchor;
    this.net = Path.of("/proc", Long.toString(anchor.pid()), "net");
  }

  /**
   * Why a namespace cannot be made here (not root, a tool missing: {@code unshare}, {@code
   * nsenter}, {@code ip} or one of {@code tools}), or null when it can.
   */
  public static String unavailable(String... tools) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root for a network namespace of its own (.ci/run runs as root)";
    }
    List<String> needed = new ArrayList<>(List.of("unshare", "nsenter", "ip"));
    needed.addAll(List.of(tools));
    for (String tool : needed) {
      if (Commands.which(tool) == null) {
        return "needs " + tool;
      }
    }
    return null;
  }

  /** Makes the namespace, with loopback up and {@code tcp_tw_reuse} off. */
  public static NetNamespace create() throws IOException, InterruptedException {
    return create(0);
  }

  /** Makes the namespace, with loopback up and {@code net.ipv4.tcp_tw_reuse} as given. */
  public static NetNamespace create(int twReuse) throws IOException, InterruptedException {
    Process anchor =
        new ProcessBuilder(
                "unshare",
                "--net",
                "sh",
                "-c",
                "ip link set lo up && echo up && exec sleep " + ANCHOR_SECONDS)
            .redirectErrorStream(true)
            .start();
    String first =
        new String(anchor.getInputStream().readNBytes(3), StandardCharsets.US_ASCII).strip();
    if (!first.equals("up")) {
      anchor.destroy();
      throw new IOException("could not make a network namespace: " + first);
    }
    NetNamespace namespace = new NetNamespace(anchor);
    // Loopback reuses TIME_WAIT ports for new connections by default (tcp_tw_reuse 2): a reused
    // tuple would hide an earlier connection's TIME_WAIT from the count.
    try {
      namespace.sysctl("net/ipv4/tcp_tw_reuse", Integer.toString(twReuse));
    } catch (IOException | RuntimeException e) {
      namespace.close();
      throw e;
    }
    return namespace;
  }

  /** The anchor's process id: {@code ip link ... netns PID} moves an interface here. */
  public long pid() {
    return anchor.pid();
  }

  /** The command prefix that runs a command in this namespace. */
  public List<String> enter() {
    return new ArrayList<>(List.of("nsenter", "--net=/proc/" + anchor.pid() + "/ns/net", "--"));
  }

  /** The prefix as {@link ChildJvm.Builder#launcher} takes it: {@code nsenter} execs the JVM. */
  public String[] launcher() {
    return enter().toArray(new String[0]);
  }

  /** {@code command} run in the namespace. */
  public List<String> inside(List<String> command) {
    List<String> full = enter();
    full.addAll(command);
    return full;
  }

  /**
   * Sets one of this namespace's own sysctls, e.g. {@code net.ipv4.ip_local_port_range} (or {@code
   * net/ipv4/ip_local_port_range}) to {@code 40000 40299}.
   */
  public void sysctl(String key, String value) throws IOException, InterruptedException {
    String path = key.contains("/") ? key : key.replace('.', '/');
    Commands.run(
        inside(List.of("sh", "-c", "echo '" + value + "' > /proc/sys/" + path)),
        10,
        "sysctl " + key);
  }

  /**
   * Starts {@code command} in the namespace, its stderr the test's; its pid is the command's
   * ({@code nsenter} execs it). Killed on {@link #close()}.
   */
  public Process start(String... command) throws IOException {
    Process process =
        new ProcessBuilder(inside(List.of(command)))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    started.add(process);
    return process;
  }

  /** Reads the process's stdout until {@code line}; fails when it ends first. */
  public static void awaitLine(Process process, String line) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String read;
    while ((read = out.readLine()) != null) {
      if (read.equals(line)) {
        return;
      }
    }
    throw new IOException("process " + process.pid() + " ended before it printed " + line);
  }

  /** Its sockets, as its own {@code /proc/net/tcp} and {@code tcp6} show them now. */
  public List<KernelTcpTable.Row> rows() throws IOException {
    return KernelTcpTable.parse(
        Files.readString(procNet("tcp")) + Files.readString(procNet("tcp6")));
  }

  /** Its TIME_WAIT sockets now. */
  public long timeWait() throws IOException {
    return rows().stream().filter(row -> row.state() == KernelTcpTable.TIME_WAIT).count();
  }

  /**
   * Waits until no connection of the namespace is still closing (FIN_WAIT1, FIN_WAIT2, CLOSING,
   * LAST_ACK): a client that closed first enters TIME_WAIT only when its peer's FIN arrives, so
   * until then the TIME_WAIT count still grows.
   */
  public void awaitClosesSettled() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long closing = -1;
    while (System.nanoTime() < deadline) {
      closing =
          rows().stream()
              .filter(
                  row ->
                      row.state() == KernelTcpTable.FIN_WAIT1
                          || row.state() == KernelTcpTable.FIN_WAIT2
                          || row.state() == KernelTcpTable.CLOSING
                          || row.state() == KernelTcpTable.LAST_ACK)
              .count();
      if (closing == 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException(closing + " connections still closing after 30 s");
  }

  /** The inode of a process's network namespace ({@code /proc/PID/ns/net}). */
  public static long inodeOf(long pid) throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
    return Long.parseLong(link.substring("net:[".length(), link.length() - 1));
  }

  /** The ports {@code connect()} picks from, both ends included. */
  public void ephemeralPorts(int low, int high) throws IOException, InterruptedException {
    sysctl("net/ipv4/ip_local_port_range", low + " " + high);
  }

  /** Runs {@code command} in the namespace to its end (30 s at most); its output. */
  public String run(String... command) throws IOException, InterruptedException {
    return Commands.run(inside(List.of(command)), 30, String.join(" ", command));
  }

  /**
   * Joins this namespace to {@code peer} with a veth pair: {@code name} here with {@code address}
   * (CIDR, e.g. {@code 10.200.1.1/24}), {@code peerName} there with {@code peerAddress}, both up.
   * The pair is made inside this namespace, so no interface appears in the host's.
   */
  public void link(
      String name, String address, NetNamespace peer, String peerName, String peerAddress)
      throws IOException, InterruptedException {
    run(
        "ip",
        "link",
        "add",
        name,
        "type",
        "veth",
        "peer",
        "name",
        peerName,
        "netns",
        Long.toString(peer.pid()));
    run("ip", "addr", "add", address, "dev", name);
    run("ip", "link", "set", name, "up");
    peer.run("ip", "addr", "add", peerAddress, "dev", peerName);
    peer.run("ip", "link", "set", peerName, "up");
  }

  /**
   * Every counter {@code nstat -asz} prints in this namespace ({@code TcpExtTWRecycled}, ...):
   * absolute values, the history file untouched.
   */
  public Map<String, Long> nstat() throws IOException, InterruptedException {
    Map<String, Long> counters = new HashMap<>();
    for (String line : run("nstat", "-asz").split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && words[1].matches("\\d+")) {
        counters.put(words[0], Long.parseLong(words[1]));
      }
    }
    return counters;
  }

  /** A file of this namespace's {@code /proc/net}, e.g. {@code tcp6} or {@code snmp}. */
  public Path procNet(String name) {
    return net.resolve(name);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : started) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    anchor.destroy();
    anchor.waitFor(5, TimeUnit.SECONDS);
  }

  /** Small helpers for running the namespace's and servers' commands. */
  public static final class Commands {
    private Commands() {}

    /** The path of {@code tool} on the PATH, or null. */
    public static Path which(String tool) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
        Path candidate = Path.of(dir, tool);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      for (String dir : List.of("/usr/sbin", "/sbin")) {
        Path candidate = Path.of(dir, tool);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      return null;
    }

    /** Runs {@code command} to its end; its output, or an exception naming {@code what}. */
    public static String run(List<String> command, long timeoutSeconds, String what)
        throws IOException, InterruptedException {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(what + ": still running after " + timeoutSeconds + " s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(what + " exited " + process.exitValue() + ": " + text.strip());
      }
      return text;
    }
  }
}
