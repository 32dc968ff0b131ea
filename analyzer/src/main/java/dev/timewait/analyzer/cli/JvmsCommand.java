package dev.timewait.analyzer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lists the JVMs of this host with what the attach channel tells of each: nothing is loaded into a
 * JVM without the agent, and a running agent is asked for its snapshot (through its own jar) to
 * give its active closes a minute.
 */
@Command(
    name = "jvms",
    mixinStandardHelpOptions = true,
    description = {
      "List the JVMs of this host: pid, user, JDK, whether the timewait agent runs, its active"
          + " closes a minute, main class or jar; a JVM that cannot be read says why."
    },
    footer = {"", "Exit codes: 0 listed (also when some JVMs could not be read), 2 bad usage."})
final class JvmsCommand implements Callable<Integer> {

  /** Output formats. */
  enum Format {
    TABLE,
    JSON
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--format"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Override
  public Integer call() throws JsonProcessingException {
    Format chosen;
    try {
      chosen = Format.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("--format: '" + format + "' is not table or json");
    }
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    List<JvmStatus> statuses = new ArrayList<>();
    for (HostJvms.Found jvm : HostJvms.find()) {
      progress.show("reading pid " + jvm.pid() + " ...");
      statuses.add(JvmStatus.read(jvm));
    }
    progress.done();
    PrintWriter out = spec.commandLine().getOut();
    out.print(chosen == Format.JSON ? json(statuses) : table(statuses));
    out.flush();
    return 0;
  }

  static String table(List<JvmStatus> statuses) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PID", "USER", "JDK", "AGENT", "CLOSES/MIN", "MAIN", "NOTE"});
    for (JvmStatus s : statuses) {
      rows.add(
          new String[] {
            s.pid() == s.nsPid() ? Long.toString(s.pid()) : s.pid() + " (" + s.nsPid() + ")",
            s.user(),
            s.javaVersion() == null ? "?" : s.javaVersion(),
            s.agent() == null ? "?" : s.agent() ? "yes" : "no",
            s.activeClosesPerMinute() == null
                ? "-"
                : String.format(Locale.ROOT, "%.1f", s.activeClosesPerMinute()),
            s.main(),
            s.problem() == null ? "" : s.problem()
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    if (statuses.isEmpty()) {
      text.append("(no JVM found on this host)\n");
    }
    return text.toString();
  }

  static String json(List<JvmStatus> statuses) throws JsonProcessingException {
    List<Map<String, Object>> jvms = new ArrayList<>();
    for (JvmStatus s : statuses) {
      Map<String, Object> jvm = new LinkedHashMap<>();
      jvm.put("pid", s.pid());
      jvm.put("nsPid", s.nsPid());
      jvm.put("user", s.user());
      jvm.put("main", s.main());
      jvm.put("javaVersion", s.javaVersion());
      jvm.put("agent", s.agent());
      jvm.put("agentOptions", s.agentOptions());
      jvm.put("activeClosesPerMinute", s.activeClosesPerMinute());
      jvm.put("problem", s.problem());
      jvms.add(jvm);
    }
    return new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(Map.of("jvms", jvms))
        + "\n";
  }
}
