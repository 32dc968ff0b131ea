package dev.timewait.analyzer.report;

import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.owners.Owner;
import dev.timewait.core.rules.DestinationUse;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Severity;
import java.util.List;
import java.util.Map;

/** The report as Markdown: readable in a terminal and rendered on code-hosting pages. */
public final class MarkdownReport implements ReportRenderer {

  static final int MAX_ROWS = 20;

  @Override
  public String render(Report report) {
    StringBuilder md = new StringBuilder();
    md.append("# timewait report\n\n");
    md.append("Generated ").append(report.generatedAt()).append(" from ");
    md.append(esc(String.join("; ", report.sources()))).append(".\n\n");
    banner(md, report.findings());
    owners(md, report);
    summary(md, report.findings());
    for (Finding finding : report.findings()) {
      finding(md, finding);
    }
    host(md, report.host());
    sites(md, report);
    stacks(md, report);
    ownership(md, report);
    if (!report.unavailable().isEmpty()) {
      md.append("## Not available\n\n");
      for (String line : report.unavailable()) {
        md.append("- ").append(esc(line)).append('\n');
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static void banner(StringBuilder md, List<Finding> findings) {
    for (Finding finding : findings) {
      if (finding.severity() == Severity.CRITICAL) {
        md.append("> [!CAUTION]\n> **CRITICAL ")
            .append(finding.id())
            .append(": ")
            .append(esc(finding.title()))
            .append("**  \n> Do this: ")
            .append(inline(finding.recommendation()))
            .append("\n\n");
      }
    }
  }

  /** Who owns the TIME_WAIT sockets, then the namespaces they were counted in. */
  private static void owners(StringBuilder md, Report report) {
    if (report.namespaces().isEmpty()) {
      return;
    }
    md.append("## Who owns the TIME_WAIT sockets\n\n");
    md.append("| Owner | Network namespace | TIME_WAIT | Share | How it was known |\n");
    md.append("|---|---|---:|---:|---|\n");
    int rows = 0;
    for (Owner owner : report.owners()) {
      if (rows++ == MAX_ROWS) {
        md.append("| ... ").append(report.owners().size() - MAX_ROWS).append(" more | | | | |\n");
        break;
      }
      md.append("| ")
          .append(esc(OwnerText.owner(owner)))
          .append(" | ")
          .append(esc(OwnerText.netns(owner.netns())))
          .append(" | ")
          .append(owner.timeWait())
          .append(" | ")
          .append(percent(owner.share()))
          .append(" | ")
          .append(esc(OwnerText.how(owner)))
          .append(" |\n");
    }
    md.append("\nShares are of the owner's own namespace.\n\n");
    md.append("| Network namespace | TIME_WAIT | CLOSE_WAIT | Processes | Containers |");
    md.append(" `tcp_tw_reuse` |\n|---|---:|---:|---|---|---|\n");
    for (Report.Namespace ns : report.namespaces()) {
      Object reuse = ns.settings().get("net.ipv4.tcp_tw_reuse");
      md.append("| ")
          .append(esc(OwnerText.netns(ns.netns())))
          .append(ns.own() ? " (this one)" : "")
          .append(" | ")
          .append(ns.timeWait())
          .append(" | ")
          .append(ns.closeWait() == null ? "?" : ns.closeWait())
          .append(" | ")
          .append(esc(OwnerText.processes(ns.processes())))
          .append(" | ")
          .append(esc(OwnerText.containers(ns.containerIds())))
          .append(" | ")
          .append(reuse == null ? "unavailable" : reuse)
          .append(" |\n");
    }
    md.append('\n');
    boolean any = false;
    for (Report.Namespace ns : report.namespaces()) {
      for (Finding finding : ns.findings()) {
        if (!any) {
          md.append("Findings of the other namespaces, on their own tables and sysctls:\n\n");
          md.append("| Network namespace | Severity | Id | Title |\n|---|---|---|---|\n");
          any = true;
        }
        md.append("| ").append(esc(OwnerText.netns(ns.netns()))).append(' ');
        findingRow(md, finding);
      }
    }
    if (any) {
      md.append('\n');
    }
  }

  private static void summary(StringBuilder md, List<Finding> findings) {
    md.append("## Findings\n\n| Severity | Id | Title |\n|---|---|---|\n");
    for (Finding finding : findings) {
      findingRow(md, finding);
    }
    md.append('\n');
  }

  /** {@code | SEVERITY | `ID` | title |} and the line's end. */
  private static void findingRow(StringBuilder md, Finding finding) {
    md.append("| ")
        .append(label(finding.severity()))
        .append(" | `")
        .append(finding.id())
        .append("` | ")
        .append(esc(finding.title()))
        .append(" |\n");
  }

  private static void finding(StringBuilder md, Finding finding) {
    md.append("### ")
        .append(label(finding.severity()))
        .append(" `")
        .append(finding.id())
        .append("`: ")
        .append(esc(finding.title()))
        .append("\n\n**Evidence**\n\n");
    for (String line : finding.evidence()) {
      md.append("- ").append(esc(line.strip())).append('\n');
    }
    md.append("\n**Recommendation:** ").append(inline(finding.recommendation())).append("\n\n");
    if (!finding.references().isEmpty()) {
      md.append("References: ");
      for (int i = 0; i < finding.references().size(); i++) {
        md.append(i == 0 ? "<" : ", <").append(finding.references().get(i)).append('>');
      }
      md.append("\n\n");
    }
  }

  private static void host(StringBuilder md, Report.Host host) {
    if (host == null) {
      return;
    }
    md.append("## Host\n\n| | |\n|---|---|\n");
    if (host.netns() != null) {
      row(md, "Network namespace", OwnerText.netns(host.netns()));
    }
    row(md, "Root", host.root());
    row(md, "Collector", host.collector());
    row(md, "OS", host.os());
    row(md, "Kernel", host.kernel());
    row(md, "TIME_WAIT sockets", host.timeWait());
    row(md, "CLOSE_WAIT sockets", host.closeWait());
    row(md, "Sampling window", host.windowSeconds() + " s");
    for (Map.Entry<String, Object> setting : host.settings().entrySet()) {
      row(md, "`" + setting.getKey() + "`", setting.getValue());
    }
    md.append('\n');
    if (host.destinations().isEmpty()) {
      return;
    }
    md.append("### Client destinations (ephemeral port use)\n\n");
    md.append("| Local IP | Remote | TIME_WAIT | Ports in use | Usable | Use | Source | Sites |\n");
    md.append("|---|---|---:|---:|---:|---:|---|---|\n");
    int rows = 0;
    for (DestinationUse use : host.destinations()) {
      if (rows++ == MAX_ROWS) {
        md.append("| ... ")
            .append(host.destinations().size() - MAX_ROWS)
            .append(" more | | | | | | | |\n");
        break;
      }
      md.append("| ")
          .append(esc(use.local()))
          .append(" | ")
          .append(esc(use.remote()))
          .append(" | ")
          .append(use.timeWait())
          .append(" | ")
          .append(use.inUse())
          .append(" | ")
          .append(use.usable() == null ? "?" : use.usable())
          .append(" | ")
          .append(
              use.utilization() == null ? "?" : String.format("%.1f%%", use.utilization() * 100))
          .append(" | ")
          .append(esc(use.source()))
          .append(" | ")
          .append(esc(String.join(", ", use.sites())))
          .append(" |\n");
    }
    md.append('\n');
  }

  private static void sites(StringBuilder md, Report report) {
    if (report.jvms().isEmpty()) {
      return;
    }
    md.append("## JVMs (agent snapshots)\n\n| JVM | Taken at | Active | Passive | Abortive |\n");
    md.append("|---|---|---:|---:|---:|\n");
    for (Report.Jvm jvm : report.jvms()) {
      md.append("| ")
          .append(esc(jvm.jvm().label()))
          .append(" | ")
          .append(esc(jvm.takenAt()))
          .append(" | ")
          .append(jvm.activeCloses())
          .append(" | ")
          .append(jvm.passiveCloses())
          .append(" | ")
          .append(jvm.abortiveCloses())
          .append(" |\n");
    }
    md.append("\n## Code sites by active closes\n\n");
    md.append("| Site | Role | Active | Active/min | Passive | Abortive | Opened at | JVM |\n");
    md.append("|---|---|---:|---:|---:|---:|---|---|\n");
    int rows = 0;
    for (Report.Site site : report.sites()) {
      if (rows++ == MAX_ROWS) {
        md.append("| ... ")
            .append(report.sites().size() - MAX_ROWS)
            .append(" more | | | | | | | |\n");
        break;
      }
      md.append("| ")
          .append(esc(site.site()))
          .append(" | ")
          .append(esc(site.role()))
          .append(" | ")
          .append(site.shown(site.active()))
          .append(" | ")
          .append(String.format("%.1f", site.activePerMinute()))
          .append(" | ")
          .append(site.shown(site.passive()))
          .append(" | ")
          .append(site.shown(site.abortive()))
          .append(" | ")
          .append(esc(site.openSite()))
          .append(" | ")
          .append(esc(site.jvm().label()))
          .append(" |\n");
    }
    if (report.sites().stream().anyMatch(s -> s.estimated() > 0)) {
      md.append("\n").append(ESTIMATED).append('\n');
    }
    md.append('\n');
  }

  /** The note under a site table with estimated rows. */
  static final String ESTIMATED =
      "\u2248: estimated from sampled stacks; past the agent's siteRate (1,000 connections a second"
          + " by default) a sample of the connections is walked and weighted, the totals stay"
          + " exact.";

  /** Each listed site's close and open stacks, as fenced code blocks (frames are not escaped). */
  private static void stacks(StringBuilder md, Report report) {
    boolean any = false;
    int rows = 0;
    for (Report.Site site : report.sites()) {
      if (rows++ == MAX_ROWS) {
        break;
      }
      if (site.stack().isEmpty() && site.openStack().isEmpty()) {
        continue;
      }
      if (!any) {
        md.append("## Stacks\n\n");
        any = true;
      }
      md.append("### ")
          .append(esc(site.site()))
          .append(" (")
          .append(esc(site.role()))
          .append(")\n\n```text\n");
      frames(md, "closed at", site.stack());
      frames(md, "opened at", site.openStack());
      md.append("```\n\n");
    }
  }

  private static void frames(StringBuilder md, String title, List<String> stack) {
    if (stack.isEmpty()) {
      return;
    }
    md.append(title).append('\n');
    for (String frame : stack) {
      // a frame cannot end the fence: backticks never occur in a Java frame, but keep it safe
      md.append("    at ").append(frame.replace("```", "'''").replace('\n', ' ')).append('\n');
    }
  }

  private static void ownership(StringBuilder md, Report report) {
    if (report.ownership().isEmpty()) {
      return;
    }
    md.append("## TIME_WAIT sockets explained by the agent\n\n");
    md.append("| JVM | Site | Recent closes | In TIME_WAIT now | Share of host TIME_WAIT |\n");
    md.append("|---|---|---:|---:|---:|\n");
    for (Report.Ownership owner : report.ownership()) {
      md.append("| ")
          .append(esc(owner.jvm().label()))
          .append(" | (all) | ")
          .append(owner.recentCloses())
          .append(owner.droppedCloses() > 0 ? " (+" + owner.droppedCloses() + " not listed)" : "")
          .append(" | ")
          .append(owner.confirmed())
          .append(" | ")
          .append(percent(owner.shareOfHost()))
          .append(" |\n");
      for (SiteOwnership site : owner.sites()) {
        md.append("| | ")
            .append(esc(site.site()))
            .append(" | ")
            .append(site.recentCloses())
            .append(" | ")
            .append(site.timeWait())
            .append(" | ")
            .append(percent(site.shareOfHostTimeWait()))
            .append(" |\n");
      }
    }
    md.append('\n');
  }

  static String percent(Double share) {
    return share == null ? "?" : String.format("%.1f%%", share * 100);
  }

  private static void row(StringBuilder md, String name, Object value) {
    md.append("| ")
        .append(name)
        .append(" | ")
        .append(value == null ? "unknown" : esc(String.valueOf(value)))
        .append(" |\n");
  }

  private static String label(Severity severity) {
    return "**" + severity.name() + "**";
  }

  /**
   * Escapes text for Markdown so that host and agent strings (which may contain {@code <}, {@code
   * |} or backticks) show as written. Characters that only form markup in some positions ({@code _}
   * at a word boundary, {@code >} and {@code #} at the start) are escaped only there, which keeps
   * names like {@code tcp_tw_reuse} readable in a terminal.
   */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean escape;
      if (c == '_') {
        escape = !wordChar(text, i - 1) || !wordChar(text, i + 1);
      } else if (c == '>' || c == '#' || c == '+' || c == '-') {
        escape = i == 0;
      } else if (c == '!') {
        escape = i + 1 < text.length() && text.charAt(i + 1) == '[';
      } else {
        escape = "\\`*[]<|".indexOf(c) >= 0;
      }
      if (escape) {
        out.append('\\');
      }
      out.append(c == '\n' || c == '\r' ? ' ' : c);
    }
    return out.toString();
  }

  private static boolean wordChar(String text, int i) {
    return i >= 0 && i < text.length() && Character.isLetterOrDigit(text.charAt(i));
  }

  /**
   * Renders a recommendation: the text between backticks is a command or a sysctl line written by
   * the rules and stays code; the rest is escaped.
   */
  static String inline(String text) {
    StringBuilder out = new StringBuilder();
    String[] parts = text.split("`", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i % 2 == 1 && i < parts.length - 1) {
        out.append('`').append(parts[i].replace("\n", " ")).append('`');
      } else {
        out.append(esc(parts[i]));
      }
    }
    return out.toString();
  }
}
