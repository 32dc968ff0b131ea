package dev.timewait.stacks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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

  private final Process process;
  private final BufferedReader log;
  private final Path file;

  private WireCapture(Process process, BufferedReader log, Path file) {
    this.process = process;
    this.log = log;
    this.file = file;
  }

  /** Why captures cannot be made here, or null. */
  static String unavailable() {
    return NetNamespace.Commands.which("tcpdump") == null
        ? "needs tcpdump (Debian package tcpdump)"
        : null;
  }

  /** Starts capturing into {@code file}; returns once tcpdump listens. */
  static WireCapture start(NetNamespace namespace, Path file) throws IOException {
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
            .start();
    BufferedReader log =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = log.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("listening on")) {
        return new WireCapture(process, log, file);
      }
    }
    process.destroy();
    throw new IOException("tcpdump ended before it listened:\n" + seen);
  }

  /** Stops the capture; returns the packets the kernel dropped from it. */
  long stop() throws IOException, InterruptedException {
    process.destroy();
    long dropped = -1;
    String line;
    StringBuilder seen = new StringBuilder();
    while ((line = log.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher matcher = DROPPED.matcher(line);
      if (matcher.find()) {
        dropped = Long.parseLong(matcher.group(1));
      }
    }
    process.waitFor(10, TimeUnit.SECONDS);
    if (dropped < 0) {
      throw new IOException("tcpdump gave no statistics:\n" + seen);
    }
    return dropped;
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
