package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with SIGKILL while its agent writes a snapshot every 100 ms: the file is whole JSON
 * whenever it is read, during the run and after the kill.
 */
class SnapshotCrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aKilledJvmLeavesAWholeSnapshot(@TempDir Path dir) throws Exception {
    Path snapshot = dir.resolve("s.json");
    Random random = new Random(7);
    int reads = 0;
    for (int round = 0; round < 5; round++) {
      try (ChildJvm child =
          ChildJvm.builder()
              .agent("jmxDelay=0s,interval=100ms,snapshot=" + snapshot)
              .mainClass(LifecycleApp.class)
              .start()) {
        child.awaitLine("ready");
        child.send("closes 300"); // a few hundred recent closes: a snapshot of tens of kB
        child.awaitLine("done 300");
        child.awaitFile(snapshot, 30_000);
        long killAt = System.currentTimeMillis() + 300 + random.nextInt(700);
        while (System.currentTimeMillis() < killAt) {
          if (Files.exists(snapshot)) {
            assertWhole(snapshot, "while running, round " + round);
            reads++;
          }
        }
        child.kill(); // SIGKILL
      }
      assertWhole(snapshot, "after the kill, round " + round);
    }
    assertTrue(reads > 100, "read the file while it was rewritten: " + reads);
  }

  private static void assertWhole(Path file, String when) throws Exception {
    JsonNode snap = JSON.readTree(Files.readString(file));
    assertEquals("timewait.snapshot/1", snap.get("schema").asText(), when);
  }
}
