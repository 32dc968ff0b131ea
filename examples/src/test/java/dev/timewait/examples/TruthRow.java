package dev.timewait.examples;

import java.util.List;
import java.util.Locale;

/**
 * One scenario on one JDK: what the agent recorded against what the kernel holds.
 *
 * @param scenario the scenario's name
 * @param jdk the child JVM's Java version
 * @param closes closes the agent classified (active, passive and abortive)
 * @param recordedActive active closes the agent recorded as 4-tuples
 * @param recordedInTimeWait of those, the ones the kernel holds in TIME_WAIT
 * @param expectedTimeWait TIME_WAIT sockets the scenario promised (its tuple file)
 * @param kernelTimeWait TIME_WAIT sockets of this run in the kernel's table
 * @param kernelRecorded of those, the ones the agent recorded with the right site and role
 * @param closeWaitHeld sockets the scenario held in CLOSE_WAIT
 * @param closeWaitSeen the most CLOSE_WAIT leaks the agent reported for the scenario's open site
 * @param timeWaitOverflow closes on the host that got no TIME_WAIT during the run because the table
 *     was full (TcpExt {@code TCPTimeWaitOverflow})
 * @param problems what went wrong, one line each (missed or false records), empty when none
 */
record TruthRow(
    String scenario,
    String jdk,
    long closes,
    long recordedActive,
    long recordedInTimeWait,
    long expectedTimeWait,
    long kernelTimeWait,
    long kernelRecorded,
    long closeWaitHeld,
    long closeWaitSeen,
    long timeWaitOverflow,
    List<String> problems) {

  TruthRow {
    problems = List.copyOf(problems);
  }

  /** Recorded active closes the kernel holds in TIME_WAIT; 1 when nothing was recorded. */
  double precision() {
    return recordedActive == 0 ? 1 : recordedInTimeWait / (double) recordedActive;
  }

  /** The run's kernel TIME_WAIT sockets the agent recorded at the right site; 1 when none. */
  double recall() {
    return kernelTimeWait == 0 ? 1 : kernelRecorded / (double) kernelTimeWait;
  }

  boolean perfect() {
    return precision() == 1
        && recall() == 1
        && kernelTimeWait == expectedTimeWait
        && closeWaitSeen == closeWaitHeld
        && problems.isEmpty();
  }

  static String header() {
    return "| scenario | JDK | closes | recorded active | kernel TIME_WAIT | precision | recall"
        + " | CLOSE_WAIT held / reported |\n"
        + "|---|---|---:|---:|---:|---:|---:|---:|\n";
  }

  String markdown() {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d | %d | %d | %s | %s | %s |%n",
        scenario,
        jdk,
        closes,
        recordedActive,
        kernelTimeWait,
        percent(precision()),
        percent(recall()),
        closeWaitHeld == 0 && closeWaitSeen == 0 ? "-" : closeWaitHeld + " / " + closeWaitSeen);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
