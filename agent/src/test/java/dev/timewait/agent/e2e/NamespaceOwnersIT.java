package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A JVM with the agent in a network namespace of its own: {@code timewait report --all-netns
 * --snapshot FILE} names its code site as the exact owner of every one of the namespace's TIME_WAIT
 * sockets, as many as that namespace's own kernel table holds.
 */
class NamespaceOwnersIT {

  private static final Path CLI =
      Path.of(System.getProperty("timewait.cliJar", "../analyzer/target/timewait.jar"));
  private static final int CLOSES = 150;

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void theAgentsSiteOwnsExactlyTheTimeWaitSocketsOfItsNamespace(Jdk jdk) throws Exception {
    String why = NetNamespace.unavailable();
    assumeTrue(why == null, why + ": skipped");
    assumeTrue(Files.isRegularFile(CLI), "needs " + CLI + " (mvn -pl analyzer package): skipped");
    Path snapshot = dir.resolve("jvm.json");
    try (NetNamespace ns = NetNamespace.create(0);
        ChildJvm jvm =
            ChildJvm.on(jdk)
                .launcher(ns.launcher())
                .agent("snapshot=" + snapshot + ",interval=300ms")
                .mainClass(LifecycleApp.class)
                .start()) {
      jvm.awaitLine("ready");
      jvm.send("closes " + CLOSES);
      jvm.awaitLine("done " + CLOSES);
      awaitRecentCloses(snapshot, CLOSES);
      ns.awaitClosesSettled();

      long kernel = ns.timeWait();
      Process cli =
          new ProcessBuilder(
                  Jdk.current().java().toString(),
                  "-jar",
                  CLI.toString(),
                  "report",
                  "--all-netns",
                  "-d",
                  "0",
                  "-f",
                  "json",
                  "--snapshot",
                  snapshot.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      byte[] out = cli.getInputStream().readAllBytes();
      assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "the report did not finish");
      assertEquals(0, cli.exitValue());
      assertEquals(kernel, ns.timeWait(), "the table moved during the run");

      JsonNode report = new ObjectMapper().readTree(out);
      long netns = NetNamespace.inodeOf(jvm.pid());
      long owned = 0;
      for (JsonNode owner : report.get("owners")) {
        if (owner.get("netns").asLong() != netns) {
          continue;
        }
        assertEquals("jvm-site", owner.get("kind").asText(), owner.toString());
        assertTrue(owner.get("exact").asBoolean());
        assertEquals(jvm.pid(), owner.get("pid").asLong());
        assertTrue(owner.get("site").asText().contains("LifecycleApp"), owner.toString());
        owned += owner.get("timeWait").asLong();
      }
      assertTrue(kernel >= CLOSES, "the kernel holds " + kernel + " TIME_WAIT sockets");
      assertEquals(kernel, owned, report.get("owners").toString());
      jvm.send("exit");
    }
  }

  /** Waits for the agent's snapshot to hold {@code count} recent closes. */
  private static void awaitRecentCloses(Path snapshot, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int seen = -1;
    while (System.nanoTime() < deadline) {
      if (Files.exists(snapshot)) {
        try {
          seen = new SnapshotReader().read(snapshot).recentActiveCloses().size();
          if (seen >= count) {
            return;
          }
        } catch (SnapshotException e) {
          // being replaced: read it again
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the snapshot holds " + seen + " of " + count + " recent closes");
  }
}
