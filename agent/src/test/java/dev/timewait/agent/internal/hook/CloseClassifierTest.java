package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.CloseKind;
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
 * sockets in this JVM (the same {@link JdkSockets} queries the agent makes at the FIN).
 */
class CloseClassifierTest {

  /** Answers fixed in advance; counts the {@code SO_LINGER} questions. */
  private static final class Answers implements KernelAnswers {
    final int peer;
    final boolean lingerZero;
    int lingerAsked;

    Answers(int peer, boolean lingerZero) {
      this.peer = peer;
      this.lingerZero = lingerZero;
    }

    @Override
    public int peerState(FileDescriptor fd) {
      return peer;
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

    @Test
    void ourFinFirstIsActiveAndThePeersFinFirstIsPassive() throws Throwable {
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(new Answers(0, false), fd, null));
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atClose(new Answers(KernelAnswers.PEER_CLOSED, false), fd, null));
    }

    @Test
    void unreadDataOrLingerZeroResets() throws Throwable {
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(new Answers(KernelAnswers.DATA_PENDING, false), fd, null));
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(
              new Answers(KernelAnswers.PEER_CLOSED | KernelAnswers.DATA_PENDING, false),
              fd,
              null));
      assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(new Answers(0, true), fd, null));
    }

    @Test
    void lingerIsAskedOnlyWhenThePeerStateDoesNotDecide() throws Throwable {
      Answers pending = new Answers(KernelAnswers.DATA_PENDING, true);
      CloseClassifier.atClose(pending, fd, null);
      Answers quiet = new Answers(0, false);
      CloseClassifier.atClose(quiet, fd, null);

      assertEquals(0, pending.lingerAsked);
      assertEquals(1, quiet.lingerAsked);
    }

    @Test
    void anEarlierHalfCloseKeepsItsVerdictOnceThePeerAnswered() throws Throwable {
      Answers answered = new Answers(KernelAnswers.PEER_CLOSED | KernelAnswers.DATA_PENDING, true);
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(answered, fd, CloseKind.ACTIVE));
      assertEquals(0, answered.lingerAsked);
      assertEquals(
          CloseKind.ABORTIVE,
          CloseClassifier.atClose(new Answers(0, true), fd, CloseKind.ACTIVE),
          "a reset after our half-close still resets");
      assertEquals(
          CloseKind.PASSIVE, CloseClassifier.atClose(new Answers(0, false), fd, CloseKind.PASSIVE));
    }

    @Test
    void aHalfCloseIsJudgedByThePeersFinAlone() throws Throwable {
      assertEquals(CloseKind.ACTIVE, CloseClassifier.atHalfClose(new Answers(0, true), fd));
      assertEquals(
          CloseKind.PASSIVE,
          CloseClassifier.atHalfClose(new Answers(KernelAnswers.PEER_CLOSED, false), fd));
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
      while ((sockets.peerState(fd(channel)) & bits) != bits) {
        assertTrue(System.nanoTime() < deadline, "the peer's packets never arrived");
        Thread.sleep(1);
      }
    }

    @Test
    void closingFirstIsActive() throws Throwable {
      SocketChannel[] c = connection();
      try {
        assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(sockets, fd(c[0]), null));
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
        awaitPeer(c[0], KernelAnswers.PEER_CLOSED);
        assertEquals(CloseKind.PASSIVE, CloseClassifier.atClose(sockets, fd(c[0]), null));
      } finally {
        c[0].close();
      }
    }

    @Test
    void unreadDataResets() throws Throwable {
      SocketChannel[] c = connection();
      try {
        c[1].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        awaitPeer(c[0], KernelAnswers.DATA_PENDING);
        assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(sockets, fd(c[0]), null));
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
        assertEquals(CloseKind.ABORTIVE, CloseClassifier.atClose(sockets, fd(c[0]), null));
      } finally {
        c[0].close();
        c[1].close();
      }
    }

    @Test
    void aHalfCloseFirstStaysActiveAfterThePeerCloses() throws Throwable {
      SocketChannel[] c = connection();
      try {
        CloseKind atShutdown = CloseClassifier.atHalfClose(sockets, fd(c[0]));
        c[0].shutdownOutput();
        c[1].read(ByteBuffer.allocate(1)); // the server reads our FIN, then closes
        c[1].close();
        awaitPeer(c[0], KernelAnswers.PEER_CLOSED);

        assertEquals(CloseKind.ACTIVE, atShutdown);
        assertEquals(CloseKind.ACTIVE, CloseClassifier.atClose(sockets, fd(c[0]), atShutdown));
      } finally {
        c[0].close();
      }
    }
  }
}
