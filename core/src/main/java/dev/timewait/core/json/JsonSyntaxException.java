package dev.timewait.core.json;

/** Input that is not JSON; the message names the line and column. */
public final class JsonSyntaxException extends Exception {
  private static final long serialVersionUID = 1L;

  public JsonSyntaxException(String message) {
    super(message);
  }
}
