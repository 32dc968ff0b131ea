package dev.timewait.stacks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of the suite's own, with only loopback up: the servers and the case JVMs run
 * in it, so its connection table and TCP counters hold the suite's connections and nothing else. An
 * anchor process ({@code unshare -n}, then {@code sleep}) keeps it alive; others join it with
 * {@code nsenter}. Its tables are read through the anchor's {@code /proc/PID/net}. The namespace
 * ends with the last process in it; nothing outside it changes.
 */
final class NetNamespace implements AutoCloseable {
  /** The anchor ends by itself after this long, should the suite not end it. */
  private static final String ANCHOR_SECONDS = "1800";

  private final Process anchor;
  private final Path net;

  private NetNamespace(Process anchor) {
    this.anchor = anchor;
    this.net = Path.of("/proc", Long.toString(anchor.pid()), "net");
  }

  /** Why a namespace cannot be made here, or null when it can. */
  static String unavailable() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root for a network namespace of its own (.ci/run runs as root)";
    }
    for (String tool : List.of("unshare", "nsenter", "ip")) {
      if (Commands.which(tool) == null) {
        return "needs " + tool + " (util-linux, iproute2)";
      }
    }
    return null;
  }

  /** Makes the namespace, with loopback up and {@code tcp_tw_reuse} off. */
  static NetNamespace create() throws IOException, InterruptedException {
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
    namespace.sysctl("net/ipv4/tcp_tw_reuse", "0");
    return namespace;
  }

  /** The command prefix that runs a command in this namespace. */
  List<String> enter() {
    return new ArrayList<>(List.of("nsenter", "--net=/proc/" + anchor.pid() + "/ns/net", "--"));
  }

  /** {@code command} run in the namespace. */
  List<String> inside(List<String> command) {
    List<String> full = enter();
    full.addAll(command);
    return full;
  }

  /** Sets one of this namespace's own sysctls, e.g. {@code net/ipv4/ip_local_port_range}. */
  void sysctl(String key, String value) throws IOException, InterruptedException {
    Commands.run(
        inside(List.of("sh", "-c", "echo '" + value + "' > /proc/sys/" + key)),
        10,
        "sysctl " + key);
  }

  /** The ports {@code connect()} picks from, both ends included. */
  void ephemeralPorts(int low, int high) throws IOException, InterruptedException {
    sysctl("net/ipv4/ip_local_port_range", low + " " + high);
  }

  /** A file of this namespace's {@code /proc/net}, e.g. {@code tcp6} or {@code snmp}. */
  Path procNet(String name) {
    return net.resolve(name);
  }

  @Override
  public void close() throws InterruptedException {
    anchor.destroy();
    anchor.waitFor(5, TimeUnit.SECONDS);
  }

  /** Small helpers for running the namespace's and servers' commands. */
  static final class Commands {
    private Commands() {}

    /** The path of {@code tool} on the PATH, or null. */
    static Path which(String tool) {
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
    static String run(List<String> command, long timeoutSeconds, String what)
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
