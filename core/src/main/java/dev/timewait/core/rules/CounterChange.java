package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.TcpCounters;
import java.util.function.Function;

/**
 * A kernel counter judged by its change over the sampling window (in the agent: since it started,
 * or over its last minutes), never by its total since boot: one overflow a month ago must not warn
 * forever, as the shipped alerts use {@code increase(...[5m])}.
 *
 * @param now the counter at the end of the window
 * @param delta its growth during the window, or null for a single sample (no window)
 * @param windowSeconds the window's length
 */
record CounterChange(long now, Long delta, long windowSeconds) {

  /** The counter's change over the input's window, or null when the counter is unknown. */
  static CounterChange of(AnalysisInput input, Function<TcpCounters, Long> counter) {
    HostSample end = input.hostEnd();
    if (end == null) {
      return null;
    }
    Long now = counter.apply(end.counters());
    if (now == null) {
      return null;
    }
    HostSample start = input.hostStart();
    Long before = start == null || start == end ? null : counter.apply(start.counters());
    // A counter that went down was reset (a new namespace, a reboot): all of it is new.
    Long delta = before == null ? null : now >= before ? now - before : now;
    return new CounterChange(now, delta, input.window().toSeconds());
  }

  /** Whether the counter grew during the window; false for a single sample. */
  boolean grew() {
    return delta != null && delta > 0;
  }

  /** One line of evidence, e.g. {@code /proc/net/netstat TcpExt TW = 12 since boot, +3 in ...}. */
  String describe(String counterName) {
    return counterName
        + " = "
        + now
        + " since boot"
        + (delta == null
            ? " (one sample: whether it still grows is not known)"
            : ", +" + delta + " during the " + windowSeconds + " s window");
  }
}
