package dev.timewait.analyzer.report;

import dev.timewait.core.owners.HostProcess;
import dev.timewait.core.owners.Owner;
import dev.timewait.core.owners.OwnerKind;
import java.util.ArrayList;
import java.util.List;

/** How the owners table names its cells, the same in every format (unescaped). */
final class OwnerText {

  /** Processes listed per namespace before "and N more". */
  static final int MAX_PROCESSES = 5;

  private OwnerText() {}

  /** {@code site in JVM}, {@code name (pid N)} or {@code unknown}. */
  static String owner(Owner owner) {
    if (owner.kind() == OwnerKind.UNKNOWN) {
      return "unknown";
    }
    String process = (owner.name() == null ? "?" : owner.name());
    if (owner.kind() == OwnerKind.JVM_SITE) {
      return (owner.site() == null ? "(unknown site)" : owner.site()) + " in " + process;
    }
    return process + " (pid " + owner.pid() + ")";
  }

  /** {@code exact: ...} or {@code estimated: ...}; unknown owners give their evidence alone. */
  static String how(Owner owner) {
    if (owner.kind() == OwnerKind.UNKNOWN) {
      return owner.evidence();
    }
    return (owner.exact() ? "exact: " : "estimated: ") + owner.evidence();
  }

  /** The namespace inode, or {@code ?}. */
  static String netns(Long netns) {
    return netns == null ? "?" : "net:[" + netns + "]";
  }

  /** The processes of a namespace, {@code pid name} each, shortened. */
  static String processes(List<HostProcess> processes) {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < processes.size() && i < MAX_PROCESSES; i++) {
      labels.add(processes.get(i).label());
    }
    String text = String.join(", ", labels);
    return processes.size() > MAX_PROCESSES
        ? text + " and " + (processes.size() - MAX_PROCESSES) + " more"
        : text;
  }

  /** Container ids shortened to 12 digits, as {@code docker ps} shows them. */
  static String containers(List<String> ids) {
    List<String> shortIds = new ArrayList<>();
    for (String id : ids) {
      shortIds.add(id.length() > 12 ? id.substring(0, 12) : id);
    }
    return shortIds.isEmpty() ? "" : String.join(", ", shortIds);
  }
}
