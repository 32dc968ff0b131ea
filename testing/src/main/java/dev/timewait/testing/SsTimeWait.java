package dev.timewait.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's TIME_WAIT list as {@code ss -tan state time-wait} prints it: a second view of the
 * kernel, read over netlink rather than from {@code /proc}.
 */
public final class SsTimeWait {

  private SsTimeWait() {}

  /** Whether the {@code ss} command (iproute2) runs here. */
  public static boolean available() {
    try {
      Process process = new ProcessBuilder("ss", "-V").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** TIME_WAIT 4-tuples where either port is one of {@code ports}. */
  public static Set<Tuple> tuples(Set<Integer> ports) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("ss", "-tanH", "state", "time-wait").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ss failed: " + output);
    }
    Set<Tuple> tuples = new HashSet<>();
    for (String line : output.split("\n")) {
      // Recv-Q Send-Q Local:Port Peer:Port [Process]
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 4) {
        continue;
      }
      Tuple tuple = Tuple.parse(fields[2], fields[3]);
      if (ports.contains(tuple.localPort()) || ports.contains(tuple.remotePort())) {
        tuples.add(tuple);
      }
    }
    return tuples;
  }
}
