package dev.timewait.stacks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe's events of one case, grouped: per kind of event, the thread it ran on (numbers
 * replaced by {@code #}), the innermost frame outside the JDK (the library's, or the application's)
 * and the innermost application frame on the stack, if any.
 */
final class ProbeSummary {
  private static final String APPLICATION = "com.example.stacks.";

  /** The JDK's socket classes and what calls them from inside {@code java.base}. */
  private static final List<String> SOCKET_CLASSES = List.of("java.", "jdk.internal.", "sun.nio.");

  /** One group of like events, with the whole stack of its first one. */
  record Group(String kind, String thread, String library, String application, List<String> stack) {
    /** The grouping key: everything but the stack. */
    String key() {
      return kind + " " + thread + " " + library + " " + application;
    }
  }

  /** Groups with their counts, in order of first appearance. */
  static Map<Group, Integer> summarize(List<String> lines) {
    Map<String, Group> byKey = new LinkedHashMap<>();
    Map<Group, Integer> counts = new LinkedHashMap<>();
    for (String line : lines) {
      String[] fields = line.split("\t", 3);
      if (fields.length < 3) {
        continue;
      }
      List<String> stack = List.of(fields[2].split("\\|"));
      Group group =
          new Group(
              fields[0],
              thread(fields[1], stack),
              innermost(stack, false),
              innermost(stack, true),
              stack);
      Group first = byKey.computeIfAbsent(group.key(), k -> group);
      counts.merge(first, 1, Integer::sum);
    }
    return counts;
  }

  /**
   * The thread's name up to any {@code @} (Jetty appends object ids), numbers as {@code #}; {@code
   * (virtual)} for a virtual thread.
   */
  static String thread(String name, List<String> stack) {
    int at = name.indexOf('@');
    String shown = (at < 0 ? name : name.substring(0, at)).replaceAll("[0-9]+", "#");
    for (String frame : stack) {
      if (frame.startsWith("java.lang.VirtualThread.run(")) {
        return shown.isEmpty() ? "(virtual)" : "(virtual) " + shown;
      }
    }
    return shown;
  }

  /**
   * The innermost frame above the JDK's socket classes ({@code application} false), or the
   * innermost application frame ({@code application} true), as {@code Class.method}; {@code -} when
   * there is none.
   */
  static String innermost(List<String> stack, boolean application) {
    for (String frame : stack) {
      boolean socketClass = SOCKET_CLASSES.stream().anyMatch(frame::startsWith);
      if (application ? frame.startsWith(APPLICATION) : !socketClass) {
        int paren = frame.indexOf('(');
        return paren < 0 ? frame : frame.substring(0, paren);
      }
    }
    return "-";
  }

  private ProbeSummary() {}
}
