package dev.timewait.analyzer.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.rules.TestHosts;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopSampler} and {@link TopView} on a captured host tree and agent snapshots in known
 * states: rates per refresh, shares from the matched 4-tuples, findings raised and cleared, the
 * keys' effect on what is shown.
 */
class TopSamplerTest {

  static final String SITE = "com.example.Churn.call(Churn.java:42)";
  static final String QUIET = "com.example.Quiet.call(Quiet.java:7)";

  @TempDir Path dir;

  /** Hands out the given readings in order, one per refresh. */
  static final class Readings implements AgentSource {
    final ArrayDeque<List<Snapshot>> left;

    Readings(List<List<Snapshot>> readings) {
      left = new ArrayDeque<>(readings);
    }

    @Override
    public List<Snapshot> read(List<String> problems) {
      List<Snapshot> next = left.poll();
      if (next == null || next.isEmpty()) {
        problems.add("pid 101: gone");
        return List.of();
      }
      return next;
    }

    @Override
    public void close() {}
  }

  static Snapshot at(long secondsLater, long churnActive) {
    Snapshot s =
        TestHosts.snapshot(
            "web-1",
            101,
            List.of(
                TestHosts.clientSite(SITE, churnActive, 0, HostTreeBuilder.REMOTE + ":443"),
                TestHosts.clientSite(QUIET, 10, 0, HostTreeBuilder.REMOTE + ":443")),
            TestHosts.recent(SITE, HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE + ":443", 150),
            List.of());
    return new Snapshot(
        s.schema(),
        s.takenAt().plusSeconds(secondsLater),
        s.agentVersion(),
        s.jvm(),
        s.startedAt(),
        s.totals(),
        s.sites(),
        s.endpoints(),
        s.overflow(),
        s.closeWait(),
        s.recentActiveCloses(),
        s.internalCloses(),
        s.host());
  }

  @Test
  void ratesSharesAndFindingEvents() {
    HostTreeBuilder.healthy(dir)
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 80)
        .build();
    TopSampler sampler =
        new TopSampler(
            new LinuxProcCollector(dev.timewait.core.host.HostRoot.of(dir)),
            new Readings(List.of(List.of(at(0, 600_000)), List.of(at(2, 600_100)), List.of())),
            Thresholds.defaults());

    TopFrame first = sampler.sample();
    SiteRow churn = row(first, SITE);
    assertEquals(1000.0, churn.activePerSecond(), 0.01, "600,000 closes in the agent's 600 s");
    assertEquals(80, churn.timeWait(), "80 of its 150 recent 4-tuples are in TIME_WAIT");
    assertEquals(80.0 / first.timeWait(), churn.shareOfHost(), 1e-9);
    assertEquals(List.of(SITE, "com.example.Main.main(Main.java:7)"), churn.stack());
    assertTrue(
        first.findings().stream().anyMatch(f -> f.id().equals("CLIENT_CHURN_SITE")),
        first.findings().toString());
    assertEquals(first.findings().size(), first.events().size());
    assertTrue(first.events().stream().allMatch(TopFrame.FindingEvent::raised));
    assertTrue(first.timeWait() >= 80, "the tree's TIME_WAIT sockets: " + first.timeWait());
    assertFalse(first.destinations().isEmpty());

    TopFrame second = sampler.sample();
    assertEquals(50.0, row(second, SITE).activePerSecond(), 0.01, "100 closes in 2 s");
    assertEquals(0.0, row(second, QUIET).activePerSecond(), 0.01);
    assertTrue(second.events().isEmpty(), "nothing changed: " + second.events());

    TopFrame gone = sampler.sample();
    assertEquals(0, gone.jvms());
    assertEquals(List.of("pid 101: gone"), gone.problems());
    assertTrue(
        gone.events().stream()
            .anyMatch(e -> !e.raised() && e.finding().id().equals("CLIENT_CHURN_SITE")),
        "the churn finding clears with its JVM: " + gone.events());
  }

  @Test
  void viewSortsSelectsAndShowsStacks() {
    HostTreeBuilder.healthy(dir)
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 80)
        .build();
    TopSampler sampler =
        new TopSampler(
            new LinuxProcCollector(dev.timewait.core.host.HostRoot.of(dir)),
            new Readings(List.of(List.of(at(0, 600_000)), List.of(at(2, 600_100)))),
            Thresholds.defaults());
    sampler.sample();
    TopFrame frame = sampler.sample();

    TopView batch = new TopView(false);
    batch.update(frame);
    List<String> plain = batch.render(frame, Integer.MAX_VALUE, Integer.MAX_VALUE);
    assertTrue(plain.get(0).startsWith("timewait top  "), plain.get(0));
    assertFalse(String.join("\n", plain).contains("keys:"));
    int churnLine = indexOf(plain, SITE);
    assertTrue(churnLine < indexOf(plain, QUIET), "busiest first: " + plain);
    assertTrue(plain.get(churnLine).contains("     50.0 "), plain.get(churnLine));
    assertTrue(plain.get(churnLine).contains("%"), plain.get(churnLine));

    TopView live = new TopView(true);
    live.update(frame);
    List<String> screen = live.render(frame, 120, 40);
    assertTrue(screen.stream().allMatch(l -> l.length() <= 120), "fits the width");
    assertEquals(indexOf(screen, SITE), live.markedLine(), "the busiest site is selected");
    live.move(1);
    live.render(frame, 120, 40);
    live.toggleStack();
    List<String> stack = live.render(frame, 120, 40);
    assertTrue(stack.get(indexOf(stack, "STACK  ")).contains(QUIET), stack.toString());
    assertTrue(stack.contains("    at com.example.Main.main(Main.java:7)"), stack.toString());
    live.toggleStack();
    live.sort(TopView.Sort.TOTAL);
    assertTrue(String.join("\n", live.render(frame, 120, 40)).contains("sorted by active"));
  }

  private static SiteRow row(TopFrame frame, String site) {
    return frame.sites().stream().filter(r -> r.site().equals(site)).findFirst().orElseThrow();
  }

  private static int indexOf(List<String> lines, String part) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(part)) {
        return i;
      }
    }
    throw new AssertionError("no line with " + part + " in " + lines);
  }
}
