package dev.timewait.stacks;

import dev.timewait.testing.NetNamespace;
import dev.timewait.testing.NetNamespace.Commands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} from Debian's package, in the suite's namespace, on 127.0.0.1 and a given
 * port, without persistence; stopped after.
 */
final class RedisServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;

  private RedisServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Why the server cannot run here, or null when it can. */
  static String unavailable() {
    return Commands.which("redis-server") == null
        ? "redis-server is not installed (Debian package redis-server)"
        : null;
  }

  static RedisServer start(NetNamespace namespace, int port)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("stacks-redis");
    Process process =
        new ProcessBuilder(
                namespace.inside(
                    List.of(
                        "redis-server",
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--daemonize",
                        "no",
                        "--dir",
                        dir.toString())))
            .redirectErrorStream(true)
            .start();
    RedisServer server = new RedisServer(process, dir, port);
    BufferedReader log =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = log.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains("Ready to accept connections")) {
        Thread drain = new Thread(() -> drain(log), "redis-log");
        drain.setDaemon(true);
        drain.start();
        return server;
      }
    }
    server.close();
    throw new IOException("redis-server ended before it was ready:\n" + seen);
  }

  private static void drain(BufferedReader log) {
    try {
      while (log.readLine() != null) {
        // keep the pipe from filling
      }
    } catch (IOException ended) {
      // the server has gone
    }
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    Commands.run(List.of("rm", "-rf", dir.toString()), 60, "removing " + dir);
  }
}
