package dev.timewait.core.snapshot;

/** A snapshot could not be read; the message is one line, fit to print as is. */
public final class SnapshotException extends Exception {

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }

  public SnapshotException(String message) {
    super(message);
  }
}
