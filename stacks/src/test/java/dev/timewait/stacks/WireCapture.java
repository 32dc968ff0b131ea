package dev.timewait.stacks;

import dev.timewait.testing.NetNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tcpdump} on the namespace's loopback for one case run: which end of each connection sent
 * its FIN and its RST. Headers only ({@code -s 96}), written packet by packet.
 */
final class WireCapture implements AutoCloseable {
  private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");
  private static final long QUIET_MILLIS = 300;
  private static final long WHOLE_SECONDS = 10;
  private static final long START_SECONDS = 20;

  private final Process process;
  private final Path file;
  private final Path log;

  private WireCapture(Process process, Path file, Path log) {
    this.process = process;
    this.file = file;
    this.log = log;
  }

  /** Why captures cannot be made here, or null. */
  static String unavailable() {
    return NetNamespace.Commands.which("tcpdump") == null
        ? "needs tcpdump (Debian package tcpdump)"
        : null;
  }

  /**
   * Starts capturing into {@code file}; returns once tcpdump listens. Its messages go to a file
   * next to it: a pipe would lose the last lines when the JDK drains it at the process's exit.
   */
  static WireCapture start(NetNamespace namespace, Path file)
      throws IOException, InterruptedException {
    Path log = file.resolveSibling(file.getFileName() + ".log");
    Process process =
        new ProcessBuilder(
                namespace.inside(
                    List.of(
                        "tcpdump",
                        "-i",
                        "lo",
                        "-n",
                        "-U",
                        "-s",
                        "96",
                        "-w",
                        file.toString(),
                        "tcp")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    WireCapture capture = new WireCapture(process, file, log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
    while (!capture.log().contains("listening on")) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        capture.close();
        throw new IOException("tcpdump did not listen:\n" + capture.log());
      }
      Thread.sleep(10);
    }
    return capture;
  }

  private String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /**
   * Stops the capture once it holds the whole close of {@code connections} connections at {@code
   * port} (on a busy host tcpdump writes what the kernel queued for it a while later; at most 10 s)
   * and its file has stopped growing, and returns the packets the kernel dropped from it. (On
   * loopback the filter sees every packet twice, so "received by filter" tells nothing of loss.)
   */
  long stop(long connections, int port) throws IOException, InterruptedException {
    long whole = System.nanoTime() + TimeUnit.SECONDS.toNanos(WHOLE_SECONDS);
    while (PcapReader.closedConnections(PcapReader.read(file), port) < connections
        && System.nanoTime() < whole) {
      Thread.sleep(50);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long size = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = Files.size(file);
      if (now != size) {
        size = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
        break;
      }
      Thread.sleep(20);
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("tcpdump did not stop:\n" + log());
    }
    Matcher matcher = DROPPED.matcher(log());
    if (!matcher.find()) {
      throw new IOException("tcpdump gave no statistics:\n" + log());
    }
    return Long.parseLong(matcher.group(1));
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
