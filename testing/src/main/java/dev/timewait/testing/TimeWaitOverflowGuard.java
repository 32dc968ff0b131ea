package dev.timewait.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Live TIME_WAIT tests are meaningful only while the kernel keeps every TIME_WAIT socket: past
 * {@code tcp_max_tw_buckets} it closes sockets without TIME_WAIT ({@code TCPTimeWaitOverflow}), and
 * with {@code tcp_tw_reuse} a {@code connect()} may take over a TIME_WAIT 4-tuple older than a
 * second ({@code TWRecycled}). Heavy load elsewhere on the host causes either; a test then aborts
 * with that reason instead of failing on sockets the kernel did not keep. The counters are read
 * from {@code /proc/net/netstat} here, not through the collector under test; where the file is
 * missing they count as 0.
 */
public final class TimeWaitOverflowGuard {
  private static final Path NETSTAT = Path.of("/proc/net/netstat");

  private final long overflowBefore = tcpExt(NETSTAT, "TCPTimeWaitOverflow");
  private final long recycledBefore = tcpExt(NETSTAT, "TWRecycled");

  private TimeWaitOverflowGuard() {}

  /** Starts watching the counters. */
  public static TimeWaitOverflowGuard start() {
    return new TimeWaitOverflowGuard();
  }

  /** Closes that got no TIME_WAIT because the table was full, since {@link #start()}. */
  public long overflowSinceStart() {
    return tcpExt(NETSTAT, "TCPTimeWaitOverflow") - overflowBefore;
  }

  /** TIME_WAIT 4-tuples taken over by {@code connect()} since {@link #start()}. */
  public long recycledSinceStart() {
    return tcpExt(NETSTAT, "TWRecycled") - recycledBefore;
  }

  /**
   * Aborts the test when the kernel dropped or reused a TIME_WAIT socket since {@link #start()}.
   */
  public void assumeTableHadRoom() {
    long overflow = overflowSinceStart();
    long recycled = recycledSinceStart();
    assumeTrue(
        overflow == 0 && recycled == 0,
        "the kernel did not keep every TIME_WAIT socket during the test (TCPTimeWaitOverflow +"
            + overflow
            + ", TWRecycled +"
            + recycled
            + ": other load on the host)");
  }

  /** A {@code TcpExt} counter of a {@code netstat} file, 0 when it cannot be read. */
  static long tcpExt(Path netstat, String name) {
    if (!Files.isReadable(netstat)) {
      return 0;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(netstat);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // pairs of lines: "TcpExt: Name1 Name2 ..." then "TcpExt: 1 2 ..."
    for (int i = 0; i + 1 < lines.size(); i++) {
      String[] names = lines.get(i).split(" ");
      String[] values = lines.get(i + 1).split(" ");
      if (names[0].equals("TcpExt:") && values[0].equals("TcpExt:")) {
        for (int j = 1; j < names.length && j < values.length; j++) {
          if (names[j].equals(name)) {
            return Long.parseLong(values[j]);
          }
        }
      }
    }
    return 0;
  }
}
