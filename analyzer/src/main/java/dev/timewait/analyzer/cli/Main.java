package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code timewait} command line. Exit codes: 0 fine, 1 a finding at or above {@code --fail-on}
 * or a command that could not do what it was asked (an agent that did not start, options not
 * applied), 2 bad usage or unreadable input (reported as one line, without a stack trace).
 */
@Command(
    name = "timewait",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Finds which Java code fills this host with TCP TIME_WAIT sockets and says what to do.",
    subcommands = {
      DemoCommand.class,
      ReportCommand.class,
      JvmsCommand.class,
      AttachCommand.class,
      DetachCommand.class,
      SnapshotCommand.class,
      CaptureCommand.class,
      TopCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 fine, 1 a finding at or above --fail-on or a command that could not do what"
          + " it was asked, 2 bad usage or input."
    })
public final class Main implements Runnable {

  /** Exit code for findings at or above {@code --fail-on}. */
  public static final int EXIT_FINDINGS = 1;

  /** Exit code for a command that could not do what it was asked. */
  public static final int EXIT_NOT_DONE = 1;

  /** Exit code for bad usage or unreadable input. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command (demo, report, jvms, attach, detach, snapshot, capture or top)");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** The command line as {@code --help}, the man pages and the shell completion see it. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine
        .getSubcommands()
        .get("report")
        .getCommandSpec()
        .usageMessage()
        .footer(ReportCommand.footer());
    return commandLine;
  }

  /** Runs the command line and returns the exit code; never exits the JVM. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = commandLine();
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setParameterExceptionHandler(
        (ex, arguments) -> {
          CommandLine failed = ex.getCommandLine();
          err.println(
              "timewait: "
                  + usageError(ex)
                  + " (see '"
                  + failed.getCommandSpec().qualifiedName()
                  + " --help')");
          err.flush();
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (ex, failed, parseResult) -> {
          if (ex instanceof CliException) {
            err.println("timewait: " + firstLine(ex.getMessage()));
          } else {
            err.println("timewait: unexpected error: " + ex + " (please report it)");
          }
          err.flush();
          return EXIT_USAGE;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The error in one line: a mistyped command or option gets "did you mean". */
  static String usageError(ParameterException ex) {
    if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String argument = unmatched.getUnmatched().get(0);
      boolean option = argument.startsWith("-");
      boolean command = !option && !ex.getCommandLine().getSubcommands().isEmpty();
      if (!option && !command) {
        return firstLine(ex.getMessage());
      }
      String what = (option ? "unknown option '" : "unknown command '") + argument + "'";
      List<String> suggestions = closest(argument, unmatched.getSuggestions());
      return suggestions.isEmpty()
          ? what
          : what + "; did you mean '" + String.join("' or '", suggestions) + "'?";
    }
    return firstLine(ex.getMessage());
  }

  /** Of picocli's candidates, the ones a typo away: one or two edits, swapped letters one. */
  static List<String> closest(String typed, List<String> candidates) {
    String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
    int limit = word.replaceFirst("^-+", "").length() <= 4 ? 1 : 2;
    int best = Integer.MAX_VALUE;
    List<String> closest = new java.util.ArrayList<>();
    for (String candidate : candidates) {
      int distance = editDistance(word, candidate);
      if (distance > limit || distance > best) {
        continue;
      }
      if (distance < best) {
        best = distance;
        closest.clear();
      }
      closest.add(candidate);
    }
    return closest;
  }

  /** Optimal string alignment distance: insertions, deletions, changes and swaps of neighbours. */
  private static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + change);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  static String firstLine(String message) {
    if (message == null) {
      return "error";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /** The version from the build. */
  static final class Version implements IVersionProvider {
    /** {@code timewait VERSION}, or {@code timewait} when the build left no version. */
    String getVersionQuietly() {
      try {
        return getVersion()[0];
      } catch (IOException e) {
        return "timewait";
      }
    }

    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"timewait " + properties.getProperty("version", "unknown")};
    }
  }
}
