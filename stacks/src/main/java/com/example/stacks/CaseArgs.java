package com.example.stacks;

import java.util.HashMap;
import java.util.Map;

/**
 * The command line every case application takes: {@code --port N} (the port of the server it talks
 * to or starts), {@code --calls N} (how many calls, each on a connection of its own) and a few
 * case-specific {@code --key value} pairs. Each application prints one summary line, {@code
 * stacks-case name=... calls=... errors=...}, and exits non-zero when a call failed.
 */
public final class CaseArgs {
  private final Map<String, String> values = new HashMap<>();

  private CaseArgs(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value, got " + args[i]);
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
  }

  public static CaseArgs parse(String[] args) {
    return new CaseArgs(args);
  }

  public int port() {
    return Integer.parseInt(required("port"));
  }

  public int calls() {
    return Integer.parseInt(values.getOrDefault("calls", "20"));
  }

  public String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  private String required(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return value;
  }

  /** A call of a case: one connection opened and closed. */
  @FunctionalInterface
  public interface Call {
    void run(int index) throws Exception;
  }

  /**
   * Runs {@code calls} calls one after the other, prints the summary line and returns the exit
   * status: 0 when every call succeeded.
   */
  public static int runCalls(String name, int calls, Call call) {
    int errors = 0;
    for (int i = 0; i < calls; i++) {
      try {
        call.run(i);
      } catch (Exception e) {
        errors++;
        System.err.println(name + ": call " + i + " failed: " + e);
        e.printStackTrace();
      }
    }
    summary(name, calls, errors);
    return errors == 0 ? 0 : 1;
  }

  /** The summary line the suite reads. */
  public static void summary(String name, int calls, int errors) {
    System.out.println("stacks-case name=" + name + " calls=" + calls + " errors=" + errors);
  }
}
