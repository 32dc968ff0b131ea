package dev.timewait.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link ChurnApp} run in a network namespace, and what each of its targets got. */
public final class Churn implements AutoCloseable {

  private final ChildJvm child;

  private Churn(ChildJvm child) {
    this.child = child;
  }

  /** Starts {@link ChurnApp} in {@code namespace} with {@code args} and waits for its servers. */
  public static Churn start(NetNamespace namespace, String... args)
      throws IOException, InterruptedException {
    return start(ChildJvm.builder(), namespace, args);
  }

  /**
   * Starts {@link ChurnApp} from {@code builder} (a JDK, the agent) in {@code namespace} and waits
   * for its servers.
   */
  public static Churn start(ChildJvm.Builder builder, NetNamespace namespace, String... args)
      throws IOException, InterruptedException {
    ChildJvm child =
        builder
            .launcher(namespace.launcher())
            .jvmArgs("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m")
            .mainClass(ChurnApp.class)
            .args(args)
            .timeout(Duration.ofMinutes(3))
            .start();
    child.awaitLine("listening");
    return new Churn(child);
  }

  /** Waits until every target's churn is over; the results by target ({@code ip:port}). */
  public Map<String, Result> results(int targets) throws IOException, InterruptedException {
    Map<String, Result> byTarget = new HashMap<>();
    for (int i = 0; i < targets; i++) {
      Result result = Result.parse(child.awaitLine("result "));
      byTarget.put(result.target(), result);
    }
    child.awaitLine("done");
    return byTarget;
  }

  /** The child's output so far, e.g. its {@code finding} lines. */
  public List<String> stdout() {
    return child.stdout();
  }

  @Override
  public void close() throws InterruptedException {
    child.close();
  }

  /**
   * One target's churn.
   *
   * @param target {@code ip:port}
   * @param startMillis wall clock of the first attempt
   * @param opened connections that {@code connect()} opened
   * @param failed attempts that failed
   * @param addrNotAvail attempts that failed with {@code EADDRNOTAVAIL} (no local port left)
   * @param firstFailMillis wall clock of the first {@code EADDRNOTAVAIL}, or -1
   * @param openedBeforeFail connections opened before it, or -1
   * @param ports distinct local ports of the opened connections: the 4-tuples they used
   * @param other the last other failure, or {@code -}
   */
  public record Result(
      String target,
      long startMillis,
      long opened,
      long failed,
      long addrNotAvail,
      long firstFailMillis,
      long openedBeforeFail,
      long ports,
      String other) {

    static Result parse(String line) {
      String[] words = line.split(" ");
      Map<String, String> values = new HashMap<>();
      for (int i = 2; i < words.length; i++) {
        String[] kv = words[i].split("=", 2);
        values.put(kv[0], kv[1]);
      }
      return new Result(
          words[1],
          Long.parseLong(values.get("start")),
          Long.parseLong(values.get("opened")),
          Long.parseLong(values.get("failed")),
          Long.parseLong(values.get("addrNotAvail")),
          Long.parseLong(values.get("firstFail")),
          Long.parseLong(values.get("openedBeforeFail")),
          Long.parseLong(values.get("ports")),
          values.get("other"));
    }

    /** Seconds from the first attempt to the first {@code EADDRNOTAVAIL}. */
    public double secondsToFirstFail() {
      return (firstFailMillis - startMillis) / 1000.0;
    }
  }
}
