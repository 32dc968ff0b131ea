package dev.timewait.core.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The kernel's TIME_WAIT list as {@code ss -tan state time-wait} prints it. */
public final class SsTimeWait {

  private SsTimeWait() {}

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
  public static Set<SocketPair> pairs(Set<Integer> ports) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("ss", "-tanH", "state", "time-wait").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("ss failed: " + output);
    }
    Set<SocketPair> pairs = new HashSet<>();
    for (String line : output.split("\n")) {
      // Recv-Q Send-Q Local:Port Peer:Port [Process]
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 4) {
        continue;
      }
      SocketPair pair = pair(fields[2], fields[3]);
      if (pair != null && (ports.contains(pair.localPort()) || ports.contains(pair.remotePort()))) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  private static SocketPair pair(String local, String remote) {
    int l = local.lastIndexOf(':');
    int r = remote.lastIndexOf(':');
    String localIp = IpAddresses.canonical(local.substring(0, l));
    String remoteIp = IpAddresses.canonical(remote.substring(0, r));
    if (localIp == null || remoteIp == null) {
      return null;
    }
    return new SocketPair(
        localIp,
        Integer.parseInt(local.substring(l + 1)),
        remoteIp,
        Integer.parseInt(remote.substring(r + 1)));
  }
}
