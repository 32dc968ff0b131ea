package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.internal.FlightRecorderSupport;
import dev.timewait.agent.internal.background.HostMonitor;
import dev.timewait.agent.internal.background.SnapshotBuilder;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Severity;
import dev.timewait.core.rules.SnapshotMatch;
import dev.timewait.core.rules.Thresholds;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

/**
 * Serves {@code dev.timewait:type=Findings}: runs the analyzer's rules on this JVM's snapshot and
 * the host monitor's latest sample, on the agent's background thread, and notifies listeners when a
 * finding appears or clears. Site rates come from the snapshot of about a minute ago; the recent
 * closes themselves stay out of the rule input, which keeps a run small on the busiest JVM (the
 * host monitor has already matched them with the kernel's table). Kernel counters are judged by
 * their change since the agent's first host sample, later over the last {@link
 * #COUNTER_WINDOW_MILLIS} (as an alert uses {@code increase(...[5m])}), never by their total since
 * boot.
 */
public final class FindingsBean extends NotificationBroadcasterSupport implements FindingsMXBean {
  private static final long RATE_WINDOW_MILLIS = 60_000;
  private static final long KEEP_EVERY_MILLIS = 5_000;
  private static final long COUNTER_WINDOW_MILLIS = 5 * 60_000;
  private static final long KEEP_COUNTERS_EVERY_MILLIS = 15_000;

  private final SnapshotBuilder snapshot;
  private final HostMonitor host;
  private final Thresholds thresholds;
  private final ObjectName name;
  private final AtomicLong sequence = new AtomicLong();

  /** Earlier snapshots, oldest first, at least {@link #KEEP_EVERY_MILLIS} apart, for rates. */
  private final ArrayDeque<dev.timewait.core.snapshot.Snapshot> history = new ArrayDeque<>();

  /** Earlier host samples without their tables, oldest first: the counters' baseline. */
  private final ArrayDeque<HostSample> counterHistory = new ArrayDeque<>();

  private volatile State state = new State(Map.of(), 0, 0);

  /** One analyzer run's result, replaced as a whole. */
  private static final class State {
    final Map<String, Row> rows;
    final long runs;
    final long millis;

    State(Map<String, Row> rows, long runs, long millis) {
      this.rows = rows;
      this.runs = runs;
      this.millis = millis;
    }
  }

  private static final class Row {
    final Finding finding;
    final long raisedAt;

    Row(Finding finding, long raisedAt) {
      this.finding = finding;
      this.raisedAt = raisedAt;
    }
  }

  public FindingsBean(
      SnapshotBuilder snapshot, HostMonitor host, Thresholds thresholds, String objectName)
      throws Exception {
    super(
        new MBeanNotificationInfo(
            new String[] {RAISED, CLEARED},
            Notification.class.getName(),
            "A finding appeared (its severity changed) or cleared; user data: the finding's id"));
    this.snapshot = snapshot;
    this.host = host;
    this.thresholds = thresholds;
    this.name = new ObjectName(objectName);
  }

  /** Runs the rules now and sends a notification for every finding that appeared or cleared. */
  public void refresh(long now) throws Exception {
    long started = System.nanoTime();
    dev.timewait.core.snapshot.Snapshot model = snapshot.buildWithoutRecentCloses(now);
    dev.timewait.core.snapshot.Snapshot start = rateStart(model, now);
    HostMonitor.State hostState = host == null ? null : host.state();
    HostSample sample = null;
    List<SnapshotMatch> matches = List.of();
    if (hostState != null) {
      sample = hostState.counters;
      if (hostState.match != null) {
        matches = List.of(new SnapshotMatch(model, hostState.match));
        if (sample == null || sample.table() == null) {
          sample = hostState.match.sample(); // the rules on client destinations need the table
        }
      }
    }
    AnalysisInput input =
        new AnalysisInput(
            counterBaseline(sample, now),
            sample,
            List.of(),
            List.of(model),
            start == null ? List.of() : List.of(start),
            thresholds,
            matches);
    List<Finding> findings = Analyzer.standard().analyze(input);
    State before = state;
    Map<String, Row> rows = new LinkedHashMap<>();
    for (Finding f : findings) {
      if (f.id().equals(Analyzer.HEALTHY)) {
        continue;
      }
      String key = f.id() + "/" + f.severity().label();
      Row old = before.rows.get(key);
      rows.put(key, new Row(f, old == null ? now : old.raisedAt));
    }
    state =
        new State(
            rows, before.runs + 1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      if (!before.rows.containsKey(e.getKey())) {
        send(RAISED, e.getValue().finding, now);
      }
    }
    for (Map.Entry<String, Row> e : before.rows.entrySet()) {
      if (!rows.containsKey(e.getKey())) {
        send(CLEARED, e.getValue().finding, now);
      }
    }
  }

  /**
   * The kept snapshot closest to a minute before {@code model} (null on the first run); keeps
   * {@code model} for later runs.
   */
  private dev.timewait.core.snapshot.Snapshot rateStart(
      dev.timewait.core.snapshot.Snapshot model, long now) {
    while (history.size() > 1
        && second(history).takenAt().toEpochMilli() <= now - RATE_WINDOW_MILLIS) {
      history.removeFirst();
    }
    dev.timewait.core.snapshot.Snapshot start = history.peekFirst();
    dev.timewait.core.snapshot.Snapshot last = history.peekLast();
    if (last == null || now - last.takenAt().toEpochMilli() >= KEEP_EVERY_MILLIS) {
      history.addLast(model);
    }
    return start;
  }

  /**
   * The host sample the counters' change is taken from: the oldest kept sample within {@link
   * #COUNTER_WINDOW_MILLIS}, the first one until then; {@code sample} itself on the first run (a
   * single sample, whose counters are not judged). Keeps {@code sample}, without its table.
   */
  private HostSample counterBaseline(HostSample sample, long now) {
    if (sample == null) {
      return null;
    }
    HostSample last = counterHistory.peekLast();
    if (last == null
        || sample.takenAt().toEpochMilli() - last.takenAt().toEpochMilli()
            >= KEEP_COUNTERS_EVERY_MILLIS) {
      counterHistory.addLast(
          new HostSample(
              sample.takenAt(),
              sample.collector(),
              sample.hostRoot(),
              sample.os(),
              sample.settings(),
              sample.sysctlFiles(),
              sample.counters(),
              null,
              sample.nat(),
              sample.unavailable()));
    }
    while (counterHistory.size() > 1
        && second(counterHistory).takenAt().toEpochMilli() <= now - COUNTER_WINDOW_MILLIS) {
      counterHistory.removeFirst();
    }
    HostSample first = counterHistory.peekFirst();
    return first.takenAt().equals(sample.takenAt()) ? sample : first;
  }

  private static <T> T second(ArrayDeque<T> deque) {
    Iterator<T> it = deque.iterator();
    it.next();
    return it.next();
  }

  private void send(String type, Finding finding, long now) {
    String verb = type.equals(RAISED) ? "raised" : "cleared";
    Notification n =
        new Notification(
            type,
            name,
            sequence.incrementAndGet(),
            now,
            finding.severity().label() + " " + finding.id() + " " + verb + ": " + finding.title());
    n.setUserData(finding.id());
    sendNotification(n);
    if (FlightRecorderSupport.ready()) {
      FindingEvent.emit(type.equals(RAISED), finding);
    }
  }

  private int count(Severity severity) {
    int n = 0;
    for (Row row : state.rows.values()) {
      if (row.finding.severity() == severity) {
        n++;
      }
    }
    return n;
  }

  @Override
  public int getFindingCount() {
    return state.rows.size();
  }

  @Override
  public int getCriticalCount() {
    return count(Severity.CRITICAL);
  }

  @Override
  public int getWarningCount() {
    return count(Severity.WARNING);
  }

  @Override
  public int getInfoCount() {
    return count(Severity.INFO);
  }

  @Override
  public boolean isHealthy() {
    return getCriticalCount() + getWarningCount() == 0;
  }

  @Override
  public Map<FindingKey, FindingDetail> getFindings() {
    Map<FindingKey, FindingDetail> out = new HashMap<>();
    for (Row row : state.rows.values()) {
      Finding f = row.finding;
      out.put(
          new FindingKey(f.id(), f.severity().label()),
          new FindingDetail(
              f.title(), String.join("\n", f.evidence()), f.recommendation(), row.raisedAt));
    }
    return out;
  }

  @Override
  public long getRuns() {
    return state.runs;
  }

  @Override
  public long getLastRunMillis() {
    return state.millis;
  }
}
