package dev.timewait.analyzer.top;

import java.util.List;

/**
 * One code site in one JVM, as {@code top} shows it.
 *
 * @param pid the JVM's process id
 * @param site the frame that closed
 * @param openSite the frame that opened, or null
 * @param role CLIENT, SERVER or UNKNOWN
 * @param activePerSecond active closes per second since the previous refresh (since the agent
 *     started on the first one)
 * @param active active closes in all
 * @param passive passive closes in all
 * @param abortive resets in all
 * @param timeWait the host's TIME_WAIT sockets this site's recent closes hold now
 * @param shareOfHost {@code timeWait} over the host's TIME_WAIT sockets, or null when unknown
 * @param stack the close stack, innermost first
 * @param openStack the open stack, innermost first
 */
public record SiteRow(
    long pid,
    String site,
    String openSite,
    String role,
    double activePerSecond,
    long active,
    long passive,
    long abortive,
    long timeWait,
    Double shareOfHost,
    List<String> stack,
    List<String> openStack) {

  public SiteRow {
    stack = List.copyOf(stack);
    openStack = List.copyOf(openStack);
  }

  /** Identifies the row across refreshes. */
  String key() {
    return pid + "\u0000" + site + "\u0000" + openSite + "\u0000" + role;
  }
}
