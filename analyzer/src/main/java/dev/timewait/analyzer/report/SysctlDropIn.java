package dev.timewait.analyzer.report;

import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.RecommendedSysctls;
import java.util.List;

/**
 * The settings a report recommends as a sysctl.d drop-in: a header, then for each setting one
 * comment line saying why and which finding asked for it, and the {@code key = value} line. It is
 * only written, never applied: {@code sysctl -p FILE} or a copy into {@code /etc/sysctl.d/} is the
 * operator's decision.
 */
public final class SysctlDropIn {

  private SysctlDropIn() {}

  /** The drop-in's text for the report's findings. */
  public static String render(Report report) {
    List<RecommendedSysctls.Setting> settings = RecommendedSysctls.of(report.findings());
    StringBuilder out = new StringBuilder();
    out.append("# Kernel settings recommended by timewait on ")
        .append(oneLine(report.generatedAt()))
        .append(" from ")
        .append(oneLine(String.join("; ", report.sources())))
        .append(
            ".\n# Not applied: review, then `sysctl -p THIS_FILE` or copy it to /etc/sysctl.d/.\n");
    if (settings.isEmpty()) {
      out.append("# No finding recommends a kernel setting.\n");
    }
    for (RecommendedSysctls.Setting setting : settings) {
      Finding finding = setting.finding();
      out.append("\n# ")
          .append(oneLine(finding.title()))
          .append(" (finding ")
          .append(finding.id())
          .append(", ")
          .append(finding.severity().label())
          .append(")\n")
          .append(setting.key())
          .append(" = ")
          .append(setting.value())
          .append('\n');
    }
    return out.toString();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replace('\r', ' ').replace('\n', ' ');
  }
}
