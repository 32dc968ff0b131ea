package dev.timewait.stacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The suite's Markdown: the table of {@code docs/TRUTH.md}'s section and the probe's stacks. */
final class StacksReport {
  static final String COMMAND =
      "mvn -B -ntp -pl core,agent,stacks -am verify -Dit.test=RealStacksIT -Dtest=NONE"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false";

  /** The probe's groups for one case on one JDK. */
  record ProbeRows(StackCase stackCase, String jdk, Map<ProbeSummary.Group, Integer> groups) {}

  private StacksReport() {}

  static String section(
      List<CaseOutcome> outcomes, List<ProbeRows> probes, List<String> skipped, List<String> jdks) {
    StringBuilder text = new StringBuilder();
    text.append(TruthSection.HEADING)
        .append("\n\nMeasured ")
        .append(RealStacksIT.now())
        .append(" on Linux ")
        .append(kernel())
        .append(", JDKs ")
        .append(String.join(", ", jdks))
        .append(", by `RealStacksIT` (part of `mvn -B verify`; alone:\n`")
        .append(COMMAND)
        .append("`).\n\n")
        .append(
            "Each case is a small application (`stacks/src/main/java/com/example/stacks/`) making ")
        .append(RealStacksIT.CALLS)
        .append(
            " calls, each on a connection of its own, in a child JVM with the agent (options"
                + " `interval=1s,jmxDelay=0s`: most children live under a second, and the agent"
                + " looks for resets after the FIN at exit only once it has read the host's table),"
                + " inside a network"
                + " namespace the suite made (PostgreSQL 15 and redis-server 7 from Debian run in it"
                + " too). After the child exits, the agent's snapshot is compared with that"
                + " namespace's kernel: its TIME_WAIT 4-tuples (`/proc/net/tcp{,6}`), the"
                + " connections it opened (`ActiveOpens`) and, from `tcpdump` on its loopback, which"
                + " end sent each FIN and RST.\n\n")
        .append("| library | JDK | kernel | agent | named | verdict |\n")
        .append("|---|---|---|---|---|---|\n");
    for (CaseOutcome outcome : outcomes) {
      text.append("| ")
          .append(outcome.stackCase().library())
          .append(" | ")
          .append(outcome.jdk())
          .append(" | ")
          .append(outcome.kernel())
          .append(" | ")
          .append(outcome.agent())
          .append(" | ")
          .append(cell(outcome.named()))
          .append(" | ")
          .append(verdict(outcome))
          .append(" |\n");
    }
    for (String line : skipped) {
      text.append("\nSkipped: ").append(line).append('.');
    }
    text.append(
        "\n\n- kernel: connections the namespace opened in the run; TIME_WAIT sockets it holds"
            + " after the run, by side (the server side is the case's server port); RST: connections"
            + " with TIME_WAIT at neither end, and which end sent the reset.\n"
            + "- agent: closes the agent counted, by kind and role. An end in TIME_WAIT must be an"
            + " ACTIVE close recorded with that 4-tuple and role (recall and precision 100 %); an end"
            + " without it that sent a RST, ABORTIVE; every other end of the JVM's, PASSIVE (counts"
            + " per role).\n"
            + "- named: closes whose close site or open site is the case's own method (the client's"
            + " call, the server's handler or the code that started it), of the closes the kernel"
            + " shows in the JVM; then the most common other site.\n"
            + "- verdict: `KNOWN GAP` lists checks today's agent fails, as listed in `StackCases`"
            + " (they fail the build with `-Dstacks.expectKnownGaps=false`).\n");

    text.append("\n### Where the connect and the close run\n\n")
        .append("Each case once more with ")
        .append(RealStacksIT.PROBE_CALLS)
        .append(
            " calls, without the agent, under the JDK's debugger interface (`StackProbe`):"
                + " breakpoints where the connect, accept and close system calls are made, in the"
                + " JDK (`NioSocketImpl`, `SocketChannelImpl`, `ServerSocketChannelImpl`) and in"
                + " Netty's native transports, relocated copies included (`*.channel.unix.Socket`,"
                + " `*.channel.unix.FileDescriptor.close`, `*.channel.uring.AbstractIoUringChannel`)."
                + " The whole stacks are in `stacks/target/stacks/STACKS-threads.md`.\n\n")
        .append(
            "| case | JDK | event | thread | calls | innermost frame above the JDK's socket classes |"
                + " application frame on the stack |\n")
        .append("|---|---|---|---|---:|---|---|\n");
    for (Map.Entry<String, List<String>> row : mergedProbeRows(probes).entrySet()) {
      text.append(row.getKey().replace("{JDK}", String.join(", ", row.getValue()))).append('\n');
    }
    return text.toString();
  }

  /** Probe rows, identical ones of several JDKs merged into one naming both. */
  private static Map<String, List<String>> mergedProbeRows(List<ProbeRows> probes) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (ProbeRows probe : probes) {
      for (Map.Entry<ProbeSummary.Group, Integer> entry : probe.groups().entrySet()) {
        ProbeSummary.Group group = entry.getKey();
        String row =
            "| "
                + probe.stackCase().id()
                + " | {JDK} | "
                + group.kind()
                + " | `"
                + group.thread()
                + "` | "
                + entry.getValue()
                + " | `"
                + group.library()
                + "` | "
                + (group.application().equals("-") ? "none" : "`" + group.application() + "`")
                + " |";
        rows.computeIfAbsent(row, k -> new ArrayList<>()).add(major(probe.jdk()));
      }
    }
    return rows;
  }

  /** Every distinct stack the probe saw, whole. */
  static String stacks(List<ProbeRows> probes) {
    StringBuilder text = new StringBuilder("# Threads and stacks of the real-stacks cases\n\n");
    text.append("Made by `RealStacksIT` ").append(RealStacksIT.now()).append(".\n");
    for (ProbeRows probe : probes) {
      text.append("\n## ")
          .append(probe.stackCase().id())
          .append(" on ")
          .append(probe.jdk())
          .append('\n');
      for (Map.Entry<ProbeSummary.Group, Integer> entry : probe.groups().entrySet()) {
        ProbeSummary.Group group = entry.getKey();
        text.append("\n")
            .append(group.kind())
            .append(" on `")
            .append(group.thread())
            .append("`, ")
            .append(entry.getValue())
            .append(" times:\n\n```\n");
        for (String frame : group.stack()) {
          text.append(frame).append('\n');
        }
        text.append("```\n");
      }
    }
    return text.toString();
  }

  private static String verdict(CaseOutcome outcome) {
    List<Check> failed = outcome.failed();
    if (failed.isEmpty()) {
      return "pass";
    }
    List<Check> unexpected = outcome.unexpected(true);
    List<String> gaps = new ArrayList<>();
    List<String> fails = new ArrayList<>();
    for (Check check : failed) {
      (unexpected.contains(check) ? fails : gaps).add(check.label());
    }
    return (fails.isEmpty() ? "" : "**FAIL**: " + String.join(", ", fails))
        + (fails.isEmpty() || gaps.isEmpty() ? "" : "; ")
        + (gaps.isEmpty() ? "" : "KNOWN GAP: " + String.join(", ", gaps));
  }

  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  private static String major(String version) {
    return version.split("[.+-]")[0];
  }

  private static String kernel() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()
          + " ("
          + System.getProperty("os.arch")
          + ")";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
