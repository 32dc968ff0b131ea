package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 32 threads each open and close 20,000 loopback connections through the agent: every close is
 * counted exactly once, by kind and role, and nothing deadlocks (a thread dump is kept on timeout).
 */
class AgentLoadIT {
  private static final int THREADS = 32;
  private static final int CONNECTIONS = 20_000;
  private static final long TIMEOUT_SECONDS = 150;

  @ParameterizedTest
  @MethodSource(ChildJvm.JAVAS)
  void everyCloseOfManyThreadsIsCountedOnce(Path java, @TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    AtomicReference<String> dump = new AtomicReference<>();
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    String loaded;
    try (ChildJvm child =
        ChildJvm.start(
            java,
            List.of("-javaagent:" + ChildJvm.AGENT_JAR + "=jmxDelay=0s,snapshot=" + snapshot),
            LoadApp.class,
            List.of(Integer.toString(THREADS), Integer.toString(CONNECTIONS)))) {
      watchdog.schedule(
          () -> {
            dump.set(threadDump(java, child.pid()));
            child.close();
          },
          TIMEOUT_SECONDS,
          TimeUnit.SECONDS);
      try {
        loaded = child.awaitLine("loaded");
        child.finish(60);
      } catch (Exception e) {
        if (dump.get() != null) {
          fail("no result within " + TIMEOUT_SECONDS + " s; thread dump:\n" + dump.get(), e);
        }
        throw e;
      }
    } finally {
      watchdog.shutdownNow();
    }
    long total = (long) THREADS * CONNECTIONS;
    assertEquals(
        "loaded client " + total + " server " + total + " failures 0 errors 0",
        loaded.substring(0, loaded.indexOf(" millis")));
    JsonNode totals = new ObjectMapper().readTree(Files.readString(snapshot)).get("totals");
    JsonNode byRole = totals.get("byRole");
    assertEquals(total, byRole.get("CLIENT").get("passive").asLong(), totals.toString());
    assertEquals(total, byRole.get("SERVER").get("abortive").asLong(), totals.toString());
    assertEquals(0, totals.get("active").asLong(), totals.toString());
    assertEquals(total, totals.get("passive").asLong(), totals.toString());
    assertEquals(total, totals.get("abortive").asLong(), totals.toString());
    long sites = 0;
    for (JsonNode row : new ObjectMapper().readTree(Files.readString(snapshot)).get("sites")) {
      sites += row.get("passive").asLong() + row.get("abortive").asLong();
    }
    assertEquals(2 * total, sites, "site rows add up to the totals");
    System.out.println(java + ": " + loaded);
  }

  private static String threadDump(Path java, long pid) {
    try {
      Path jcmd = java.resolveSibling("jcmd");
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (Exception e) {
      return "no thread dump: " + e;
    }
  }
}
