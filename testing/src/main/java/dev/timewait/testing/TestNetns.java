package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made by a test with {@code ip netns add tw-<prefix>-<random>}: only loopback
 * up, no route out. The processes started in it are killed and the namespace is removed on {@link
 * #close()}, also when the test fails.
 */
public final class TestNetns implements AutoCloseable {

  private final String name;
  private final List<Process> processes = new ArrayList<>();

  private TestNetns(String name) {
    this.name = name;
  }

  /** Why namespaces cannot be made here (not root, a tool missing), or null when they can. */
  public static String unavailable(String... tools) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root for network namespaces (CI runs as root)";
    }
    List<String> needed = new ArrayList<>(List.of("ip"));
    needed.addAll(List.of(tools));
    for (String tool : needed) {
      if (!onPath(tool)) {
        return "needs " + tool;
      }
    }
    return null;
  }

  /** Makes the namespace with loopback up and {@code net.ipv4.tcp_tw_reuse} set as given. */
  public static TestNetns create(String prefix, int twReuse) throws IOException {
    String name = "tw-" + prefix + "-" + Integer.toHexString(new Random().nextInt(0x10000));
    run("ip", "netns", "add", name);
    TestNetns ns = new TestNetns(name);
    try {
      run("ip", "-n", name, "link", "set", "lo", "up");
      ns.sysctl("net.ipv4.tcp_tw_reuse", String.valueOf(twReuse));
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /** Its name, for {@code ip netns exec}. */
  public String name() {
    return name;
  }

  /** The command prefix that runs a command inside it. */
  public List<String> exec() {
    return List.of("ip", "netns", "exec", name);
  }

  /**
   * Sets one of its own sysctls, e.g. {@code net.ipv4.ip_local_port_range} to {@code 40000 40299}.
   */
  public void sysctl(String key, String value) throws IOException {
    run("ip", "netns", "exec", name, "sysctl", "-q", "-w", key + "=" + value);
  }

  /**
   * Starts {@code command} inside it (its pid is the command's: {@code ip netns exec} execs it).
   */
  public Process start(String... command) throws IOException {
    List<String> full = new ArrayList<>(exec());
    full.addAll(List.of(command));
    Process process =
        new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(process);
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

  /** Its TIME_WAIT sockets, as its own {@code /proc/net/tcp} and {@code tcp6} show them now. */
  public long timeWait() throws IOException {
    return rows().stream().filter(row -> row.state() == KernelTcpTable.TIME_WAIT).count();
  }

  /** Its sockets, as its own {@code /proc/net/tcp} and {@code tcp6} show them now. */
  public List<KernelTcpTable.Row> rows() throws IOException {
    return KernelTcpTable.parse(
        run("ip", "netns", "exec", name, "cat", "/proc/net/tcp", "/proc/net/tcp6"));
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
      String text = run("ip", "netns", "exec", name, "cat", "/proc/net/tcp", "/proc/net/tcp6");
      closing =
          KernelTcpTable.parse(text).stream()
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
    throw new IOException(name + ": " + closing + " connections still closing after 30 s");
  }

  /** The inode of a process's network namespace ({@code /proc/PID/ns/net}). */
  public static long inodeOf(long pid) throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString();
    return Long.parseLong(link.substring("net:[".length(), link.length() - 1));
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      run("ip", "netns", "del", name);
    } catch (IOException e) {
      // already gone
    }
  }

  private static boolean onPath(String tool) {
    for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a command to its end; its output, or an exception with it. */
  public static String run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    return out;
  }
}
