package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200,000 distinct close sites and a hundred thousand endpoints: the agent's tables stay within
 * their caps, the rest is counted as overflow, the heap stays small, and sockets the application
 * drops are not kept alive or tracked by the agent.
 */
class AgentBoundsIT {
  private static final int METHODS = 100;
  private static final int SITES_PER_METHOD = 2_000;
  private static final int CLOSES = METHODS * SITES_PER_METHOD;
  private static final int ENDPOINTS = 100_000;
  private static final int MAX_SITES = 1000;
  private static final int MAX_ENDPOINTS = 1000;
  private static final long HEAP_LIMIT = 64L << 20;

  @Test
  void tablesStayWithinTheirCapsAndDroppedSocketsAreLetGo(@TempDir Path dir) throws Exception {
    Path classes = SiteClassWriter.write(dir.resolve("gen"), METHODS, SITES_PER_METHOD);
    Path snapshot = dir.resolve("s.json");
    List<String> out;
    try (ChildJvm child =
        ChildJvm.builder()
            // every connection walked (siteRate=0), so that all 200,000 sites reach the table
            .agent("jmxDelay=0s,interval=200ms,host=false,siteRate=0,snapshot=" + snapshot)
            .mainClass(SitesApp.class)
            .classPath(classes)
            .args(
                Integer.toString(CLOSES),
                Integer.toString(METHODS),
                Integer.toString(SITES_PER_METHOD))
            .start()) {
      int port = Integer.parseInt(child.awaitValue("listening"));
      AtomicLong failures = new AtomicLong();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int first = t;
        clients.add(new Thread(() -> connectFromManyAddresses(port, first, 2, failures)));
      }
      long started = System.nanoTime();
      for (Thread c : clients) {
        c.start();
      }
      for (Thread c : clients) {
        c.join();
      }
      System.out.printf("%,d closes in %d ms%n", CLOSES, (System.nanoTime() - started) / 1_000_000);
      assertEquals(0, failures.get(), "client failures");
      out = child.finish(120);
      System.out.println(String.join("\n", out));
    }
    assertEquals(String.valueOf(CLOSES - MAX_SITES), value(out, "SiteOverflow"));
    assertEquals(
        String.valueOf(CLOSES - MAX_ENDPOINTS * (CLOSES / ENDPOINTS)),
        value(out, "EndpointOverflow"));
    assertEquals("0", value(out, "ErrorCount"));
    long heap = Long.parseLong(value(out, "heapUsedAfterGc"));
    assertTrue(heap < HEAP_LIMIT, "heap used after GC: " + heap);
    String dropped = value(out, "dropped");
    assertTrue(dropped.startsWith("collected 100 tracked "), dropped);
    String[] words = dropped.split(" ");
    long before = Long.parseLong(words[3]);
    long after = Long.parseLong(words[5]);
    assertTrue(
        after <= before - 100, "the collected sockets left the agent's tracking: " + dropped);

    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
    assertTrue(snap.get("sites").size() <= MAX_SITES + 3, "site rows: " + snap.get("sites").size());
    assertTrue(snap.get("endpoints").size() <= MAX_ENDPOINTS + 1, "endpoint rows");
    assertTrue(
        snap.get("totals").get("byRole").get("SERVER").get("abortive").asLong() >= CLOSES,
        snap.get("totals").toString());
  }

  /** Every {@code step}-th connection from {@code first}, each from one of 100,000 addresses. */
  private static void connectFromManyAddresses(int port, int first, int step, AtomicLong failures) {
    InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (int i = first; i < CLOSES; i += step) {
      int e = i % ENDPOINTS;
      byte[] address = {
        127, (byte) (10 + e / 62_500), (byte) (e / 250 % 250 + 1), (byte) (e % 250 + 1)
      };
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(InetAddress.getByAddress(address), 0));
        try {
          s.connect(server);
          s.getInputStream().read();
        } catch (ConnectException refused) {
          throw refused;
        } catch (SocketException reset) {
          // The server's RST; on a busy machine it can come before connect() returns.
        }
      } catch (Exception ex) {
        if (failures.incrementAndGet() == 1) {
          ex.printStackTrace();
        }
      }
    }
  }

  private static String value(List<String> lines, String key) {
    for (String line : lines) {
      if (line.startsWith(key + " ")) {
        return line.substring(key.length() + 1);
      }
    }
    throw new AssertionError("no '" + key + "' in " + lines);
  }
}
