package dev.timewait.core.snapshot;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Close counts over the JVM's life.
 *
 * @param active closed by this JVM first
 * @param passive closed by the peer first
 * @param abortive reset
 * @param byRole the same per {@link Role}
 * @param resetAfterFin of the abortive closes, those that sent their FIN first and that the kernel
 *     then reset, with no TIME_WAIT (the peer's data came after the close); counted active until
 *     the agent saw the 4-tuple gone
 */
public record CloseTotals(
    long active, long passive, long abortive, Map<Role, CloseCounts> byRole, long resetAfterFin) {

  /** Totals in which no close was reset after its FIN. */
  public CloseTotals(long active, long passive, long abortive, Map<Role, CloseCounts> byRole) {
    this(active, passive, abortive, byRole, 0);
  }

  public CloseTotals {
    Map<Role, CloseCounts> copy = new EnumMap<>(Role.class);
    if (byRole != null) {
      byRole.forEach(
          (role, counts) -> {
            if (role != null && counts != null) {
              copy.put(role, counts);
            }
          });
    }
    byRole = Collections.unmodifiableMap(copy);
  }
}
