package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;

/**
 * The {@code timewait} command line. Exit codes: 0 fine, 1 a finding at or above {@code --fail-on},
 * 2 bad usage or unreadable input (reported as one line, without a stack trace).
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
      AttachCommand.class,
      DetachCommand.class,
      SnapshotCommand.class,
      CaptureCommand.class,
      TopCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 fine, 1 a finding at or above --fail-on, 2 bad usage or input."})
public final class Main implements Runnable {

  /** Exit code for findings at or above {@code --fail-on}. */
  public static final int EXIT_FINDINGS = 1;

  /** Exit code for bad usage or unreadable input. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing command (demo, report, attach, detach, snapshot, capture or top)");
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command line and returns the exit code; never exits the JVM. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(
        (ex, arguments) -> {
          CommandLine failed = ex.getCommandLine();
          err.println(
              "timewait: "
                  + firstLine(ex.getMessage())
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

  static String firstLine(String message) {
    if (message == null) {
      return "error";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }

  /** The version from the build. */
  static final class Version implements IVersionProvider {
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
