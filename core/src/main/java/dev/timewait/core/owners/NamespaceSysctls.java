package dev.timewait.core.owners;

import java.util.List;
import java.util.Map;

/**
 * Reads the per-namespace sysctls ({@code /proc/sys/net/...}) of another network namespace: the
 * kernel shows them for the namespace of the reader, so they must be read from inside it.
 */
@FunctionalInterface
public interface NamespaceSysctls {

  /**
   * The files of {@code paths} as read inside the network namespace of {@code pid}, by path; null
   * when they cannot be read there, with one line added to {@code unavailable}.
   */
  Map<String, String> read(long pid, List<String> paths, List<String> unavailable);

  /** Sysctls that are never known: what a reader without the rights to enter a namespace says. */
  static NamespaceSysctls unavailable(String why) {
    return (pid, paths, unavailable) -> {
      unavailable.add(
          "sysctls of the network namespace of pid " + pid + ": unavailable (" + why + ")");
      return null;
    };
  }
}
