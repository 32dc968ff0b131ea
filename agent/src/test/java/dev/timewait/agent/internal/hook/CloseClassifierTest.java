package dev.timewait.agent.internal.hook;

import static dev.timewait.agent.internal.hook.CloseClassifier.DATA_PENDING;
import static dev.timewait.agent.internal.hook.CloseClassifier.LINGER_ZERO;
import static dev.timewait.agent.internal.hook.CloseClassifier.PEER_CLOSED;
import static dev.timewait.agent.internal.hook.CloseClassifier.TAKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.Tuple;
import java.io.FileDescriptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The close verdicts, first from fixed kernel answers, then from the kernel itself on loopback
 * sockets in this JVM (the same {@link JdkSockets} queries the agent makes around the FIN).
 */
class CloseClassifierTest {
  private static final int ESTABLISHED = TAKEN | TcpStates.ESTABLISHED;
  private static final int CLOSE_WAIT = TAKEN | TcpStates.CLOSE_WAIT | PEER_CLOSED;

  /** Answers fixed in advance; counts the {@code SO_LINGER} questions. */
  private static final class Answers implements KernelAnswers {
    final int state;
    final int unread;
    final boolean lingerZero;
    int lingerAsked;

    Answers(int state, int unread, boolean lingerZero) {
      this.state = state;
      this.unread = unread;
      this.lingerZero = lingerZero;
    }

    @Override
    public int peerState(FileDescriptor fd) {
      return (state == TcpStates.CLOSE_WAIT ? PEER_CLOSED : 0) | (unread > 0 ? DATA_PENDING : 0);
    }

    @Override
    public int tcpState(FileDescriptor fd) {
      return state;
    }

    @Override
    public int unread(FileDescriptor fd) {
      return unread;
    }

    @Override
    public boolean lingerZero(FileDescriptor fd) {
      lingerAsked++;
      return lingerZero;
    }
  }

  @Nested
  class FromKernelAnswers {
    private final FileDescriptor fd = new FileDescriptor();

    private int probe(int state, int unread, boolean lingerZero) throws Throwable {
      return CloseClassifier.probe(new Answers(state, unread, lingerZero), fd, true);
    }

    @Test
    void ourFinFirstIsActiveAndThePeersFinFirstIsPassive() throws Throwable {
      assertEquals(
          CloseKind.ACTIVE,
          CloseClassifier.atClose(probe(TcpStates.ESTABLISHED, 0, false), 0, null));
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atClose(probe(TcpStates.CLOSE_WAIT, 0, false), 0, null));
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atClose(probe(TcpStates.CLOSE, 0, false), 0, null),
          "reset by the peer: nothing left here");
    }

    @Test
    void unreadDataOrLingerZeroResets() throws Throwable {
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(probe(TcpStates.ESTABLISHED, 3, false), 0, null));
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(probe(TcpStates.CLOSE_WAIT, 3, false), 0, null));
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(probe(TcpStates.ESTABLISHED, 0, true), 0, null));
    }

    @Test
    void lingerIsAskedOnlyWhenThePeerStateDoesNotDecide() throws Throwable {
      Answers pending = new Answers(TcpStates.ESTABLISHED, 5, true);
      CloseClassifier.probe(pending, fd, true);
      Answers peerFirst = new Answers(TcpStates.CLOSE_WAIT, 0, true);
      CloseClassifier.probe(peerFirst, fd, true);
      Answers quiet = new Answers(TcpStates.ESTABLISHED, 0, false);
      CloseClassifier.probe(quiet, fd, true);
      Answers notAsked = new Answers(TcpStates.ESTABLISHED, 0, true);
      CloseClassifier.probe(notAsked, fd, false);

      assertEquals(0, pending.lingerAsked);
      assertEquals(0, peerFirst.lingerAsked);
      assertEquals(1, quiet.lingerAsked);
      assertEquals(0, notAsked.lingerAsked);
    }

    @Test
    void theStateRightAfterOurFinDecidesEvenWhenThePeersFinCrossedIt() {
      int before = ESTABLISHED; // the peer's FIN had not come in when we asked
      for (int state : new int[] {TcpStates.FIN_WAIT1, TcpStates.FIN_WAIT2, TcpStates.CLOSING}) {
        assertEquals(
            CloseKind.ACTIVE, CloseClassifier.atClose(before, TAKEN | state, null), "" + state);
        assertEquals(CloseKind.ACTIVE, CloseClassifier.atHalfClose(before, TAKEN | state));
      }
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atClose(before, TAKEN | TcpStates.LAST_ACK, null),
          "the peer's FIN arrived between the question and our FIN");
      assertEquals(
          CloseKind.PASSIVE, CloseClassifier.atHalfClose(before, TAKEN | TcpStates.LAST_ACK));
    }

    @Test
    void aHandshakeOverWithinTheCallIsJudgedByTheStateBeforeIt() {
      int over = TAKEN | TcpStates.CLOSE;
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(ESTABLISHED, over, null));
      assertEquals(CloseKind.PASSIVE, CloseClassifier.atClose(CLOSE_WAIT, over, null));
    }

    @Test
    void unreadDataResetsUnlessTheHandshakeEndedWithinTheShutdown() {
      int pending = ESTABLISHED | DATA_PENDING;
      assertEquals(
          CloseKind.ABORTIVE, CloseClassifier.atClose(pending, TAKEN | TcpStates.FIN_WAIT2, null));
      assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(pending, 0, null));
      assertEquals(
          CloseKind.ACTIVE,
          CloseClassifier.atClose(pending, TAKEN | TcpStates.CLOSE, null),
          "the peer's FIN answered ours within the call: TIME_WAIT, and nothing left to reset");
      assertFalse(CloseClassifier.undecidedUntilDescriptorCloses(pending, TAKEN | TcpStates.CLOSE));
      assertTrue(
          CloseClassifier.undecidedUntilDescriptorCloses(pending, TAKEN | TcpStates.FIN_WAIT1));
    }

    @Test
    void aCloseThatSkippedItsShutdownHadLingerZero() {
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(ESTABLISHED, TAKEN | TcpStates.ESTABLISHED, null));
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(CLOSE_WAIT, TAKEN | TcpStates.CLOSE_WAIT, null));
    }

    @Test
    void anEarlierHalfCloseKeepsItsVerdictOnceThePeerAnswered() {
      int answered = TAKEN | TcpStates.CLOSE | PEER_CLOSED | DATA_PENDING;
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(answered, 0, CloseKind.ACTIVE));
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(TAKEN | TcpStates.FIN_WAIT2 | LINGER_ZERO, 0, CloseKind.ACTIVE),
          "a reset after our half-close still resets");
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atClose(TAKEN | TcpStates.FIN_WAIT2, 0, CloseKind.PASSIVE));
    }

    @Test
    void withoutTcpInfoThePollDecides() throws Throwable {
      Answers noTcpInfo = new Answers(TcpStates.UNKNOWN, 0, false);
      int before = CloseClassifier.probe(noTcpInfo, fd, true);
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(before, 0, null));
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atHalfClose(before, TAKEN));
    }
  }

  @Nested
  class FromTheKernel {
    private static JdkSockets sockets;

    @BeforeAll
    static void internals() throws ReflectiveOperationException {
      sockets = new JdkSockets();
    }

    /** A loopback connection: [0] the client, [1] the accepted side. */
    private SocketChannel[] connection() throws Exception {
      try (ServerSocketChannel server = ServerSocketChannel.open()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        return new SocketChannel[] {client, server.accept()};
      }
    }

    private FileDescriptor fd(SocketChannel channel) {
      return sockets.fd(channel);
    }

    /**
     * Waits until the kernel shows {@code bits} on the socket (the peer's packets arrive async).
     */
    private void awaitPeer(SocketChannel channel, int bits) throws Throwable {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while ((CloseClassifier.probe(sockets, fd(channel), false) & bits) != bits) {
        assertTrue(System.nanoTime() < deadline, "the peer's packets never arrived");
        Thread.sleep(1);
      }
    }

    private int before(SocketChannel channel) throws Throwable {
      return CloseClassifier.probe(sockets, fd(channel), true);
    }

    @Test
    void tcpInfoTellsTheStateOnLinux() throws Throwable {
      assumeTrue(JdkSockets.kernelTellsPeerFin(), "TCP_INFO is Linux's");
      SocketChannel[] c = connection();
      try {
        assertEquals(TcpStates.ESTABLISHED, sockets.tcpState(fd(c[0])));
        c[0].shutdownOutput();
        int after = sockets.tcpState(fd(c[0]));
        assertTrue(TcpStates.weClosedFirst(after), "after our FIN: " + after);
        awaitPeer(c[1], PEER_CLOSED);
        assertEquals(TcpStates.CLOSE_WAIT, sockets.tcpState(fd(c[1])));
        c[1].shutdownOutput();
        int peerAfter = sockets.tcpState(fd(c[1]));
        assertTrue(
            peerAfter == TcpStates.LAST_ACK || peerAfter == TcpStates.CLOSE,
            "the second FIN: " + peerAfter);
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    @Test
    void closingFirstIsActive() throws Throwable {
      SocketChannel[] c = connection();
      try {
        assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(before(c[0]), 0, null));
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    @Test
    void closingAfterThePeersFinIsPassiveEvenWhenTheFinWasNeverRead() throws Throwable {
      SocketChannel[] c = connection();
      try {
        c[1].close();
        awaitPeer(c[0], PEER_CLOSED);
        assertEquals(CloseKind.PASSIVE, CloseClassifier.atClose(before(c[0]), 0, null));
      } finally {
        c[0].close();
      }
    }

    @Test
    void ourFinAfterThePeersIsPassiveByTheStateAfterIt() throws Throwable {
      assumeTrue(JdkSockets.kernelTellsPeerFin(), "TCP_INFO is Linux's");
      SocketChannel[] c = connection();
      try {
        c[1].shutdownOutput();
        awaitPeer(c[0], PEER_CLOSED);
        int before = before(c[0]);
        c[0].shutdownOutput();
        int after = CloseClassifier.stateAfter(sockets, fd(c[0]));
        assertTrue(
            (after & 0xff) == TcpStates.LAST_ACK || (after & 0xff) == TcpStates.CLOSE,
            "after the second FIN: " + (after & 0xff));
        assertEquals(CloseKind.PASSIVE, CloseClassifier.atClose(before, after, null));
        assertEquals(CloseKind.PASSIVE, CloseClassifier.atHalfClose(before, after));
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    @Test
    void unreadDataResets() throws Throwable {
      SocketChannel[] c = connection();
      try {
        c[1].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        awaitPeer(c[0], DATA_PENDING);
        assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(before(c[0]), 0, null));
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    @Test
    void lingerZeroResets() throws Throwable {
      SocketChannel[] c = connection();
      try {
        c[0].setOption(StandardSocketOptions.SO_LINGER, 0);
        assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(before(c[0]), 0, null));
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    /**
     * A selector-registered channel's close sends our FIN with a shutdown and closes the descriptor
     * later: with data unread, that close resets the connection unless the peer's FIN came in
     * between (the kernel then holds the TIME_WAIT apart from the socket).
     */
    @Test
    void unreadDataAfterOurFinResetsOnlyIfThePeersFinHasNotComeWhenTheDescriptorCloses()
        throws Throwable {
      assumeTrue(JdkSockets.kernelTellsPeerFin(), "TCP_INFO is Linux's");
      assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp");
      for (boolean peerFinFirst : new boolean[] {true, false}) {
        SocketChannel[] c = connection();
        try {
          c[1].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
          awaitPeer(c[0], DATA_PENDING);
          int before = before(c[0]);
          c[0].shutdownOutput();
          int after = CloseClassifier.stateAfter(sockets, fd(c[0]));
          assertTrue(CloseClassifier.undecidedUntilDescriptorCloses(before, after));
          assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(before, after, null));
          if (peerFinFirst) {
            assertEquals(-1, c[1].read(ByteBuffer.allocate(1)));
            c[1].close();
            awaitState(c[0], TcpStates.CLOSE);
          }
          Tuple tuple =
              Tuple.of(
                  (InetSocketAddress) c[0].getLocalAddress(),
                  (InetSocketAddress) c[0].getRemoteAddress());
          CloseKind kind =
              CloseClassifier.atDescriptorClose(CloseClassifier.probe(sockets, fd(c[0]), false));
          c[0].close();

          assertEquals(peerFinFirst ? CloseKind.ACTIVE : CloseKind.ABORTIVE, kind);
          assertEquals(
              peerFinFirst,
              KernelTcpTable.read().inTimeWait(tuple),
              "the kernel holds the client's TIME_WAIT exactly when the verdict is active");
        } finally {
          c[0].close();
          c[1].close();
        }
      }
    }

    private void awaitState(SocketChannel channel, int state) throws Throwable {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (sockets.tcpState(fd(channel)) != state) {
        assertTrue(System.nanoTime() < deadline, "never reached state " + state);
        Thread.sleep(1);
      }
    }

    @Test
    void aHalfCloseFirstStaysActiveAfterThePeerCloses() throws Throwable {
      SocketChannel[] c = connection();
      try {
        int beforeShutdown = CloseClassifier.probe(sockets, fd(c[0]), false);
        c[0].shutdownOutput();
        CloseKind atShutdown =
            CloseClassifier.atHalfClose(
                beforeShutdown, CloseClassifier.stateAfter(sockets, fd(c[0])));
        c[1].read(ByteBuffer.allocate(1)); // the server reads our FIN, then closes
        c[1].close();
        awaitPeer(c[0], PEER_CLOSED);

        assertEquals(CloseKind.ACTIVE, atShutdown);
        assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(before(c[0]), 0, atShutdown));
      } finally {
        c[0].close();
      }
    }
  }
}
