package dev.timewait.analyzer.cli;

import dev.timewait.core.snapshot.CloseTotals;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows the snapshot file an agent rewrites while a JVM runs. CLOSE_WAIT leaks are a state that
 * ends when the leaking code finally closes, so the most seen per open site while polling is kept.
 */
final class SnapshotFileWatch {

  private final Path file;
  private final SnapshotReader reader = new SnapshotReader();
  private final Map<String, CloseWaitStats> mostCloseWait = new LinkedHashMap<>();

  SnapshotFileWatch(Path file) {
    this.file = file;
  }

  /** Reads the file if the agent has written it; a file being replaced is read next time. */
  void poll() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      remember(reader.read(file));
    } catch (SnapshotException e) {
      // the agent writes a temporary file and renames it: the next poll sees a whole one
    }
  }

  /**
   * The snapshot the agent wrote last, with the most CLOSE_WAIT leaks per open site seen while
   * polling in place of the ones left at its end.
   */
  Snapshot last() {
    Snapshot last;
    try {
      last = reader.read(file);
    } catch (SnapshotException e) {
      throw new CliException(e.getMessage(), e);
    }
    remember(last);
    List<CloseWaitStats> closeWait = new ArrayList<>(mostCloseWait.values());
    closeWait.sort((a, b) -> Long.compare(b.count(), a.count()));
    return new Snapshot(
        last.schema(),
        last.takenAt(),
        last.agentVersion(),
        last.jvm(),
        last.startedAt(),
        last.totals(),
        last.sites(),
        last.endpoints(),
        last.overflow(),
        closeWait,
        last.recentActiveCloses(),
        last.internalCloses(),
        last.host());
  }

  /** The same JVM's agent as it started, before any close: rates then cover the whole run. */
  static Snapshot atStart(Snapshot snapshot) {
    return new Snapshot(
        snapshot.schema(),
        snapshot.startedAt(),
        snapshot.agentVersion(),
        snapshot.jvm(),
        snapshot.startedAt(),
        new CloseTotals(0, 0, 0, Map.of()),
        List.of(),
        List.of(),
        null,
        List.of(),
        List.of(),
        0,
        null);
  }

  private void remember(Snapshot snapshot) {
    for (CloseWaitStats stats : snapshot.closeWait()) {
      mostCloseWait.merge(
          stats.role() + " " + stats.openSite(),
          stats,
          (old, now) -> now.count() > old.count() ? now : old);
    }
  }
}
