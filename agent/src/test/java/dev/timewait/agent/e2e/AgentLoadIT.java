package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 32 threads each open and close 4,000 loopback connections through the agent: every close is
 * counted exactly once, by kind and role, and nothing deadlocks (a thread dump is kept on timeout).
 * The site rows, far past the agent's {@code siteRate}, are estimates that add up to the totals.
 */
class AgentLoadIT {
  private static final int THREADS = 32;
  private static final int CONNECTIONS = 4_000;
  private static final long TIMEOUT_SECONDS = 150;

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void everyCloseOfManyThreadsIsCountedOnce(Jdk jdk, @TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    String loaded;
    // a deadlocked child is killed after a thread dump, which the failure then shows
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .agent("jmxDelay=0s,snapshot=" + snapshot)
            .mainClass(LoadApp.class)
            .args(Integer.toString(THREADS), Integer.toString(CONNECTIONS))
            .timeout(Duration.ofSeconds(TIMEOUT_SECONDS))
            .start()) {
      loaded = child.awaitLine("loaded");
      child.finish(60);
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
    // Far past siteRate (1,000 connections a second): the site rows are estimates from the
    // walked connections' weights, unbiased, with a standard error under 1 % of their sum here.
    JsonNode file = new ObjectMapper().readTree(Files.readString(snapshot));
    long sites = 0;
    long estimated = 0;
    for (JsonNode row : file.get("sites")) {
      sites += row.get("passive").asLong() + row.get("abortive").asLong();
      estimated += row.path("estimated").asLong();
    }
    long sampledOut = file.get("overflow").get("sitesSampledOut").asLong();
    assertTrue(sampledOut > total, "most connections were not walked: " + sampledOut);
    assertTrue(estimated > 0, "the rows say they are estimates");
    assertTrue(
        Math.abs(sites - 2 * total) <= 2 * total * 0.05,
        "site rows add up to the totals within 5 %: " + sites + " of " + 2 * total);
    System.out.println(jdk + ": " + loaded);
  }
}
