package dev.timewait.analyzer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One in-process run of the command line.
 *
 * @param code exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Standard error as exactly one line (fails otherwise). */
  String errLine() {
    String trimmed = err.strip();
    if (trimmed.isEmpty() || trimmed.contains("\n")) {
      throw new AssertionError("expected one line on stderr, got: [" + err + "]");
    }
    return trimmed;
  }
}
