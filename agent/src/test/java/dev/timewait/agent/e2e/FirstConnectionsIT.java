package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JVM whose first accept and first connect happen at once starts and finishes with the agent
 * ({@link FirstConnectionsApp}). The agent's transformer loads Byte Buddy through the agent's class
 * loader on the accepting thread while the connecting thread asks that loader for a JDK class the
 * transformer is weaving: a loader lock held across the JDK class deadlocked both threads in most
 * runs. Several fresh JVMs per JDK, as the race is one of start-up. The server's connections are
 * named by the code that started the server, as its own threads accept and close them.
 */
class FirstConnectionsIT {
  static final int RUNS = 4;
  static final int REQUESTS = 20;

  @ParameterizedTest(name = "{0}")
  @MethodSource(Jdk.ALL)
  void firstAcceptAndFirstConnectAtOnceNeverHang(Jdk jdk, @TempDir Path dir) throws Exception {
    for (int run = 0; run < RUNS; run++) {
      Path snapshot = dir.resolve("snapshot-" + run + ".json");
      try (ChildJvm child =
          ChildJvm.on(jdk)
              .agent("snapshot=" + snapshot + ",interval=1s")
              .mainClass(FirstConnectionsApp.class)
              .args(Integer.toString(REQUESTS))
              .timeout(Duration.ofSeconds(60))
              .start()) {
        List<String> out = child.finish(60);
        assertEquals(List.of("done " + REQUESTS), out, "run " + run + ": " + child.stderr());
        assertFalse(child.stderr().contains("timewait:"), child.stderr());
      }
      JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
      JsonNode totals = snap.get("totals");
      JsonNode byRole = totals.get("byRole");
      assertEquals(
          REQUESTS, byRole.get("CLIENT").get("passive").asLong(), "run " + run + ": " + totals);
      assertEquals(REQUESTS, judged(byRole.get("SERVER")), "run " + run + ": " + totals);
      // the server's own dispatcher thread accepts and closes: the open site is the code that
      // started the server
      long named = 0;
      for (JsonNode row : snap.get("sites")) {
        if (row.get("role").asText().equals("SERVER")
            && row.get("openSite")
                .asText()
                .startsWith(FirstConnectionsApp.class.getName() + ".main(")) {
          named += judged(row);
        }
      }
      assertEquals(
          REQUESTS,
          named,
          "server closes opened by the code that started the server: " + snap.get("sites"));
    }
  }

  private static long judged(JsonNode role) {
    return role.get("active").asLong()
        + role.get("passive").asLong()
        + role.get("abortive").asLong();
  }
}
