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
 */
public record CloseTotals(long active, long passive, long abortive, Map<Role, CloseCounts> byRole) {

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
