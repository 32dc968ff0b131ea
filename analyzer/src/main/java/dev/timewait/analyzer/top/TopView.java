package dev.timewait.analyzer.top;

import dev.timewait.core.rules.DestinationUse;
import dev.timewait.core.rules.Finding;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Lays a {@link TopFrame} out as lines of text, the same for the terminal and for {@code --batch}:
 * the host line, the sites table (or one site's stacks), the destinations, the findings. Keeps what
 * the keys change: the sort order, the selected site, the stack view.
 */
public final class TopView {

  /** How the sites are ordered. */
  public enum Sort {
    /** active closes per second */
    RATE("closes/s", Comparator.comparingDouble(SiteRow::activePerSecond)),
    /** share of the host's TIME_WAIT sockets */
    SHARE("TW share", Comparator.comparingLong(SiteRow::timeWait)),
    /** active closes in all */
    TOTAL("active", Comparator.comparingLong(SiteRow::active));

    final String label;
    final Comparator<SiteRow> order;

    Sort(String label, Comparator<SiteRow> order) {
      this.label = label;
      this.order = order.reversed().thenComparing(SiteRow::key);
    }
  }

  static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

  private static final String SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
  private static final int EVENT_LOG = 50;

  private final boolean interactive;
  private final ArrayDeque<TopFrame.FindingEvent> log = new ArrayDeque<>();
  private Sort sort = Sort.RATE;
  private int selected;
  private String selectedKey;
  private boolean stackShown;
  private List<SiteRow> ordered = List.of();
  private int markedLine = -1;

  /** {@code interactive}: with the key line, the selection mark and the trend sparkline. */
  public TopView(boolean interactive) {
    this.interactive = interactive;
  }

  /** Takes a new frame: re-sorts, keeps the selected site selected, logs its finding events. */
  public void update(TopFrame frame) {
    for (TopFrame.FindingEvent event : frame.events()) {
      log.addLast(event);
      while (log.size() > EVENT_LOG) {
        log.removeFirst();
      }
    }
    List<SiteRow> rows = new ArrayList<>(frame.sites());
    rows.sort(sort.order);
    ordered = rows;
    if (selectedKey != null) {
      for (int i = 0; i < rows.size(); i++) {
        if (rows.get(i).key().equals(selectedKey)) {
          selected = i;
        }
      }
    }
    select(selected);
  }

  public void sort(Sort by) {
    sort = by;
    ordered = new ArrayList<>(ordered);
    ordered.sort(sort.order);
    selected = 0;
    selectedKey = null;
    select(0);
  }

  public Sort sort() {
    return sort;
  }

  /** Moves the selection by {@code delta} rows. */
  public void move(int delta) {
    select(selected + delta);
  }

  /** Shows or hides the selected site's stacks. */
  public void toggleStack() {
    stackShown = !stackShown && !ordered.isEmpty();
  }

  public void hideStack() {
    stackShown = false;
  }

  public boolean stackShown() {
    return stackShown;
  }

  private void select(int index) {
    selected = Math.max(0, Math.min(index, ordered.size() - 1));
    selectedKey = ordered.isEmpty() ? null : ordered.get(selected).key();
  }

  /** The frame as at most {@code height} lines of at most {@code width} characters. */
  public List<String> render(TopFrame frame, int width, int height) {
    markedLine = -1;
    List<String> lines = new ArrayList<>();
    lines.add(headline(frame));
    if (interactive) {
      lines.add(
          "keys: a closes/s  s TW share  t active  \u2191\u2193 select  enter stack  q quit"
              + "   sorted by "
              + sort.label);
    }
    for (String problem : frame.problems()) {
      lines.add("! " + problem);
    }
    lines.add("");
    int fixedBelow = 2 + Math.min(5, frame.destinations().size()) + 2 + 6;
    int siteRows = Math.max(3, height - lines.size() - fixedBelow - 1);
    if (stackShown && !ordered.isEmpty()) {
      stack(lines, ordered.get(selected));
    } else {
      sites(lines, siteRows, frame.jvms());
    }
    lines.add("");
    destinations(lines, frame.destinations(), interactive ? 5 : 20);
    lines.add("");
    findings(lines, frame, Math.max(2, height - lines.size()));
    List<String> fitted = new ArrayList<>();
    for (String line : lines) {
      if (fitted.size() == height) {
        break;
      }
      fitted.add(line.length() > width ? line.substring(0, Math.max(0, width)) : line);
    }
    if (markedLine >= fitted.size()) {
      markedLine = -1;
    }
    return fitted;
  }

  /** The line of the last {@link #render} that shows the selected site, or -1. */
  public int markedLine() {
    return markedLine;
  }

  private int firstShown(int rows) {
    return selected < rows ? 0 : selected - rows + 1;
  }

  private String headline(TopFrame frame) {
    StringBuilder line = new StringBuilder("timewait top  ").append(CLOCK.format(frame.at()));
    line.append("  JVMs ").append(frame.jvms());
    line.append("  host TIME_WAIT ").append(number(frame.timeWait()));
    if (frame.timeWaitPerSecond() != null) {
      line.append(String.format(Locale.ROOT, " (%+.0f/s)", frame.timeWaitPerSecond()));
    }
    if (interactive && frame.timeWaitHistory().size() > 1) {
      line.append(' ').append(sparkline(frame.timeWaitHistory(), 20));
    }
    line.append("  CLOSE_WAIT ").append(number(frame.closeWait()));
    return line.toString();
  }

  private void sites(List<String> lines, int rows, int jvms) {
    lines.add(
        String.format(
            Locale.ROOT,
            "  %9s %8s %9s %8s %6s %-7s %7s  %s",
            "CLOSES/S",
            "TW SHARE",
            "ACTIVE",
            "PASSIVE",
            "ABORT",
            "ROLE",
            "PID",
            "SITE (opened at)"));
    if (ordered.isEmpty()) {
      lines.add(
          jvms == 0
              ? "  (no agent data: no JVM with the timewait agent answered)"
              : "  (no connection closed yet in the " + jvms + " JVM(s) followed)");
      return;
    }
    int visibleRows = interactive ? rows : Math.min(ordered.size(), 20);
    int first = interactive ? firstShown(visibleRows) : 0;
    for (int i = first; i < ordered.size() && i < first + visibleRows; i++) {
      SiteRow row = ordered.get(i);
      if (interactive && i == selected) {
        markedLine = lines.size();
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "%s %9.1f %8s %9d %8d %6d %-7s %7d  %s%s",
              interactive && i == selected ? ">" : " ",
              row.activePerSecond(),
              row.shareOfHost() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.1f%%", row.shareOfHost() * 100),
              row.active(),
              row.passive(),
              row.abortive(),
              row.role(),
              row.pid(),
              row.site(),
              row.openSite() == null ? "" : "  (" + row.openSite() + ")"));
    }
    if (!interactive && ordered.size() > visibleRows) {
      lines.add("  ... " + (ordered.size() - visibleRows) + " more sites");
    }
  }

  private static void stack(List<String> lines, SiteRow row) {
    lines.add(
        "STACK  " + row.site() + "  (" + row.role() + ", pid " + row.pid() + ")  enter: back");
    lines.add("closed at");
    for (String frame : row.stack()) {
      lines.add("    at " + frame);
    }
    if (row.stack().isEmpty()) {
      lines.add("    (no stack kept)");
    }
    lines.add("opened at");
    for (String frame : row.openStack()) {
      lines.add("    at " + frame);
    }
    if (row.openStack().isEmpty()) {
      lines.add("    " + (row.openSite() == null ? "(unknown)" : row.openSite()));
    }
  }

  private static void destinations(List<String> lines, List<DestinationUse> groups, int max) {
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-40s %9s %8s %8s %6s",
            "DESTINATION (local -> remote)",
            "TIME_WAIT",
            "IN USE",
            "USABLE",
            "USE"));
    if (groups.isEmpty()) {
      lines.add("  (no client destination)");
    }
    for (int i = 0; i < groups.size() && i < max; i++) {
      DestinationUse use = groups.get(i);
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-40s %9d %8d %8s %6s",
              use.local() + " -> " + use.remote(),
              use.timeWait(),
              use.inUse(),
              use.usable() == null ? "?" : use.usable().toString(),
              use.utilization() == null
                  ? "?"
                  : String.format(Locale.ROOT, "%.1f%%", use.utilization() * 100)));
    }
  }

  private void findings(List<String> lines, TopFrame frame, int room) {
    lines.add("FINDINGS (" + frame.findings().size() + " holding)");
    for (Finding finding : frame.findings()) {
      lines.add("  " + finding.severity().name() + " " + finding.id() + ": " + finding.title());
    }
    List<TopFrame.FindingEvent> events = interactive ? new ArrayList<>(log) : frame.events();
    int start = Math.max(0, events.size() - Math.max(1, room - frame.findings().size() - 1));
    for (int i = events.size() - 1; i >= start; i--) {
      TopFrame.FindingEvent event = events.get(i);
      lines.add(
          "  "
              + CLOCK.format(event.at())
              + (event.raised() ? " raised  " : " cleared ")
              + event.finding().severity().label()
              + " "
              + event.finding().id());
    }
  }

  static String number(Long value) {
    return value == null ? "?" : String.format(Locale.ROOT, "%,d", value);
  }

  static String sparkline(List<Long> values, int max) {
    List<Long> tail = values.subList(Math.max(0, values.size() - max), values.size());
    long low = Long.MAX_VALUE;
    long high = Long.MIN_VALUE;
    for (long v : tail) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    StringBuilder out = new StringBuilder();
    for (long v : tail) {
      int level = high == low ? 0 : (int) ((v - low) * (SPARKS.length() - 1) / (high - low));
      out.append(SPARKS.charAt(level));
    }
    return out.toString();
  }
}
