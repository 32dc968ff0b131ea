package dev.timewait.analyzer.cli;

import java.io.PrintWriter;

/** A progress line that rewrites itself, shown only when a terminal is attached. */
final class Progress {

  private final PrintWriter err;
  private final boolean enabled;
  private int lastLength;

  Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Shows progress on the terminal of this process, if there is one. */
  static Progress onTerminal(PrintWriter err) {
    return new Progress(err, System.console() != null);
  }

  void show(String text) {
    if (!enabled) {
      return;
    }
    StringBuilder line = new StringBuilder("\r").append(text);
    for (int i = text.length(); i < lastLength; i++) {
      line.append(' ');
    }
    lastLength = text.length();
    err.print(line);
    err.flush();
  }

  void done() {
    if (enabled && lastLength > 0) {
      show("");
      err.print('\r');
      err.flush();
      lastLength = 0;
    }
  }
}
