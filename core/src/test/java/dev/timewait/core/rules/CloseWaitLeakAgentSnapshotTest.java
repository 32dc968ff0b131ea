package dev.timewait.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot the agent wrote while the examples' {@code close-wait-leak} scenario held three
 * sockets its peer had closed ({@code closeWaitAfter=1s}): the rule must name the open site the
 * agent reported.
 */
class CloseWaitLeakAgentSnapshotTest {

  private static final String OPEN_SITE =
      "dev.timewait.examples.CloseWaitLeakScenario.requestAndForget(CloseWaitLeakScenario.java:91)";

  private static Snapshot agentSnapshot() throws Exception {
    Path file =
        Path.of(
            CloseWaitLeakAgentSnapshotTest.class
                .getResource("/snapshot/agent-close-wait-leak.json")
                .toURI());
    return new SnapshotReader().read(file);
  }

  @Test
  void readsTheAgentsCloseWaitRows() throws Exception {
    assertEquals(
        List.of(new CloseWaitStats(OPEN_SITE, Role.CLIENT, 3)), agentSnapshot().closeWait());
  }

  @Test
  void closeWaitLeakNamesTheOpenSite() throws Exception {
    Snapshot snapshot = agentSnapshot();
    AnalysisInput input =
        new AnalysisInput(
            null, null, List.of(), List.of(snapshot), List.of(), Thresholds.defaults());

    Finding finding = null;
    for (Finding f : Analyzer.standard().analyze(input)) {
      if (f.id().equals("CLOSE_WAIT_LEAK")) {
        finding = f;
      }
    }

    assertNotNull(finding, "no CLOSE_WAIT_LEAK finding");
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(
        finding
            .evidence()
            .get(0)
            .endsWith("3 CLIENT connections in CLOSE_WAIT opened at " + OPEN_SITE),
        finding.evidence().toString());
    assertTrue(finding.recommendation().contains(OPEN_SITE), finding.recommendation());
  }
}
