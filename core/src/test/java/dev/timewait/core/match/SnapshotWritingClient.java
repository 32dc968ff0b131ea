package dev.timewait.core.match;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A child JVM's main class standing in for an application with the agent: it opens and actively
 * closes connections from two "sites", then writes a {@code timewait.snapshot/1} file with their
 * real 4-tuples, as the agent would.
 *
 * <p>Arguments: {@code hostA portA countA hostB portB countB output}. One more connection to A is
 * reset ({@code SO_LINGER 0}) yet listed as an active close, so one listed close has no TIME_WAIT.
 */
public final class SnapshotWritingClient {

  static final String SITE_A = "example.Fetcher.fetch(Fetcher.java:20)";
  static final String SITE_B = "example.Poller.poll(Poller.java:33)";
  static final String OPEN_SITE = "example.Pool.open(Pool.java:9)";

  private SnapshotWritingClient() {}

  public static void main(String[] args) throws IOException {
    List<Map<String, Object>> closes = new ArrayList<>();
    connect(args[0], Integer.parseInt(args[1]), Integer.parseInt(args[2]), SITE_A, false, closes);
    connect(args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]), SITE_B, false, closes);
    connect(args[0], Integer.parseInt(args[1]), 1, SITE_A, true, closes);

    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("schema", "timewait.snapshot/1");
    snapshot.put("takenAt", Instant.now().toString());
    snapshot.put("agentVersion", "test");
    snapshot.put(
        "jvm",
        Map.of("pid", ProcessHandle.current().pid(), "javaVersion", Runtime.version().toString()));
    snapshot.put("overflow", Map.of("sites", 0, "endpoints", 0, "recentActiveCloses", 0));
    snapshot.put("recentActiveCloses", closes);
    Path output = Path.of(args[6]);
    Path temporary = output.resolveSibling(output.getFileName() + ".tmp");
    new ObjectMapper().writeValue(temporary.toFile(), snapshot);
    Files.move(temporary, output, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void connect(
      String host,
      int port,
      int count,
      String site,
      boolean reset,
      List<Map<String, Object>> closes)
      throws IOException {
    for (int i = 0; i < count; i++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port));
        if (reset) {
          socket.setSoLinger(true, 0);
        }
        Map<String, Object> close = new LinkedHashMap<>();
        close.put(
            "local", endpoint(socket.getLocalAddress().getHostAddress(), socket.getLocalPort()));
        close.put("remote", endpoint(socket.getInetAddress().getHostAddress(), socket.getPort()));
        close.put("at", Instant.now().toString());
        close.put("site", site);
        close.put("openSite", OPEN_SITE);
        close.put("role", "CLIENT");
        closes.add(close);
      }
    }
  }

  private static String endpoint(String ip, int port) {
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
  }
}
