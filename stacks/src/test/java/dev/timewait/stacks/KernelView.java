package dev.timewait.stacks;

import dev.timewait.core.host.KeyedCounters;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.host.linux.NetstatParser;
import dev.timewait.core.host.linux.ProcNetTcpParser;
import dev.timewait.testing.NetNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the kernel of the suite's namespace holds at one moment: its TIME_WAIT 4-tuples and the TCP
 * counters the suite needs ({@code /proc/net/snmp}, {@code /proc/net/netstat}).
 *
 * @param timeWait TIME_WAIT sockets, local end first
 * @param activeOpens {@code Tcp: ActiveOpens}, connections this namespace's sockets started
 * @param attemptFails {@code Tcp: AttemptFails}, connects that failed
 * @param timeWaitOverflow {@code TcpExt: TCPTimeWaitOverflow}, closes the kernel gave no TIME_WAIT
 */
record KernelView(
    Set<SocketPair> timeWait, long activeOpens, long attemptFails, long timeWaitOverflow) {

  /**
   * Reads the namespace's tables twice and joins the TIME_WAIT rows: {@code /proc/net/tcp} is read
   * a page at a time while the table changes, so one read may skip a row; no socket leaves
   * TIME_WAIT within its 60 s.
   */
  static KernelView read(NetNamespace namespace) throws IOException {
    Set<SocketPair> timeWait = new HashSet<>();
    ProcNetTcpParser parser = new ProcNetTcpParser();
    for (int pass = 0; pass < 2; pass++) {
      for (String file : List.of("tcp", "tcp6")) {
        try (InputStream in = Files.newInputStream(namespace.procNet(file))) {
          parser.parse(
              in,
              row -> {
                if (row.state == TcpState.TIME_WAIT.code()) {
                  timeWait.add(row.toSocketPair());
                }
                return true;
              });
        }
      }
    }
    KeyedCounters snmp = NetstatParser.parse(Files.readString(namespace.procNet("snmp")));
    KeyedCounters netstat = NetstatParser.parse(Files.readString(namespace.procNet("netstat")));
    return new KernelView(
        Set.copyOf(timeWait),
        counter(snmp, "Tcp", "ActiveOpens"),
        counter(snmp, "Tcp", "AttemptFails"),
        counter(netstat, "TcpExt", "TCPTimeWaitOverflow"));
  }

  private static long counter(KeyedCounters counters, String section, String name) {
    Long value = counters.get(section, name);
    if (value == null) {
      throw new IllegalStateException("the kernel has no counter " + section + " " + name);
    }
    return value;
  }

  /**
   * What changed from {@code before} to this view: the new TIME_WAIT tuples and the connections
   * opened in between, with the run's FIN and RST segments.
   */
  KernelRun since(
      KernelView before, List<PcapReader.Segment> closes, long dropped, List<String> unsettled) {
    Set<SocketPair> fresh = new HashSet<>(timeWait);
    fresh.removeAll(before.timeWait);
    return new KernelRun(
        fresh,
        (activeOpens - before.activeOpens) - (attemptFails - before.attemptFails),
        closes,
        dropped,
        unsettled,
        timeWaitOverflow - before.timeWaitOverflow);
  }

  /**
   * Waits up to {@code millis} until no socket at {@code port} is still closing (FIN_WAIT, CLOSING,
   * LAST_ACK, CLOSE_WAIT or open): a server outside the JVM may close its end a moment after the
   * JVM has gone, and only then does the JVM's end reach TIME_WAIT. Returns the sockets still
   * closing then, as {@code state local remote}.
   */
  static List<String> awaitSettled(NetNamespace namespace, int port, long millis)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    ProcNetTcpParser parser = new ProcNetTcpParser();
    while (true) {
      List<String> closing = new ArrayList<>();
      for (String file : List.of("tcp", "tcp6")) {
        try (InputStream in = Files.newInputStream(namespace.procNet(file))) {
          parser.parse(
              in,
              row -> {
                if ((row.localPort == port || row.remotePort == port)
                    && row.state != TcpState.LISTEN.code()
                    && row.state != TcpState.TIME_WAIT.code()) {
                  closing.add(row.tcpState() + " " + row.toSocketPair());
                }
                return true;
              });
        }
      }
      if (closing.isEmpty() || System.nanoTime() > deadline) {
        return closing;
      }
      Thread.sleep(20);
    }
  }
}
