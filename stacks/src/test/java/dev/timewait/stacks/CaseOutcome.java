package dev.timewait.stacks;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One case run compared with the kernel: the figures of its table row and the result of each check.
 *
 * @param stackCase the case
 * @param jdk the child's Java version
 * @param kernel the kernel's account, e.g. {@code 20 conn: 12 TIME_WAIT client side, 8 RST}
 * @param agent what the agent counted, e.g. {@code 20 active client, 20 passive server}
 * @param named closes named by the case's own method, of the closes the kernel shows
 * @param results per check, null when it passed, else what failed
 */
record CaseOutcome(
    StackCase stackCase,
    String jdk,
    String kernel,
    String agent,
    String named,
    Map<Check, String> results) {

  CaseOutcome {
    results = new EnumMap<>(results);
  }

  /** The checks that failed. */
  List<Check> failed() {
    return results.entrySet().stream()
        .filter(e -> e.getValue() != null)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The failures that are not known gaps (or all of them when known gaps are not expected). */
  List<Check> unexpected(boolean expectKnownGaps) {
    return failed().stream()
        .filter(
            check ->
                check == Check.RUN || !expectKnownGaps || !stackCase.knownGaps().containsKey(check))
        .toList();
  }

  /** Known gaps that passed in this run. */
  List<Check> gapsClosed() {
    return stackCase.knownGaps().keySet().stream()
        .filter(check -> results.containsKey(check) && results.get(check) == null)
        .toList();
  }
}
