package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --fail-on} counts problem findings: the HEALTHY verdict is none. */
class ReportFailOnTest {

  @TempDir Path dir;

  @Test
  void healthyHostPassesFailOnInfo() {
    HostTreeBuilder.healthy(dir).build();
    CliRun run = CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "info");
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("Healthy: no tuning is needed"), run.out());
  }

  @Test
  void anInfoFindingFailsOnInfo() {
    HostTreeBuilder.healthy(dir).sysctl("net.ipv4.tcp_fin_timeout", "30").build();
    CliRun run = CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "info");
    assertEquals(1, run.code(), run.out());
    assertTrue(run.out().contains("FIN_TIMEOUT_MYTH"), run.out());
  }

  @Test
  void anOverflowSinceBootAloneDoesNotFail() {
    HostTreeBuilder.healthy(dir).tcpExt("TW", 100, "TCPTimeWaitOverflow", 7).build();
    CliRun run =
        CliRun.of("report", "--host-root", dir.toString(), "--duration", "0", "--fail-on", "info");
    assertEquals(0, run.code(), run.out());
    assertFalse(run.out().contains("TW_BUCKETS_OVERFLOW"), run.out());
  }
}
