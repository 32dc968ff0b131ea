package dev.timewait.analyzer.cli;

/** Bad usage or unreadable input: the message is printed as one line and the exit code is 2. */
final class CliException extends RuntimeException {

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
