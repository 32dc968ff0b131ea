package dev.timewait.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One row of the summary table that {@code bench/run.sh} prints: each harness prints its rows as
 * {@code RESULT|what|A|B|ratio or difference|goal|met?} lines, and the script collects them.
 */
public final class ResultLine {
  private ResultLine() {}

  public static void print(
      String what, String a, String b, String result, String goal, String met) {
    System.out.println(
        String.join("|", "RESULT", what, a, b, result, goal, met == null ? "-" : met));
  }

  static String met(boolean met) {
    return met ? "yes" : "NO";
  }

  static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
