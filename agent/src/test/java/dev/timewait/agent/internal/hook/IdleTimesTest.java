package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The idle time before a peer's FIN, read by the native {@code TCP_INFO} reader from loopback
 * connections in this JVM whose server side sleeps, then closes.
 */
class IdleTimesTest {
  private static final LazyJdkSockets JDK = new LazyJdkSockets();
  private static IdleTimes idle;

  @BeforeAll
  static void load() {
    assumeTrue(
        JdkSockets.kernelTellsPeerFin(), "tcp_info times are read on Linux only: skipped here");
    idle = new IdleTimes(JDK, IdleTimesTest.class.getClassLoader());
    idle.idleBeforePeerFin(-1);
    assertEquals("available", idle.status(), "the library built by this module loads");
  }

  @Test
  void idleBeforeTheServersFinIsTheServersWaitNotTheTimeSince() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      SocketChannel accepted = server.accept();
      exchange(client, accepted);
      Thread.sleep(400); // the connection sits idle
      accepted.close(); // the server's FIN
      Thread.sleep(300); // time passes after it: not counted
      long millis = idle.idleBeforePeerFin(fd(client));
      assertTrue(millis >= 390 && millis < 600, "idle before the FIN, ms: " + millis);
    }
  }

  @Test
  void dataWrittenIntoTheClosedConnectionIsLeftOut() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      SocketChannel accepted = server.accept();
      exchange(client, accepted);
      Thread.sleep(300);
      accepted.close();
      Thread.sleep(100);
      client.write(ByteBuffer.wrap(new byte[] {1})); // a pool's request on a stale connection
      Thread.sleep(50);
      long millis = idle.idleBeforePeerFin(fd(client));
      assertTrue(millis >= 290 && millis < 500, "idle before the FIN, ms: " + millis);
    }
  }

  @Test
  void aGoodbyeThatComesWithTheFinIsNotUse() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      SocketChannel accepted = server.accept();
      exchange(client, accepted);
      Thread.sleep(400);
      accepted.write(ByteBuffer.wrap(new byte[] {'E'})); // PostgreSQL's idle_session_timeout error
      accepted.close();
      Thread.sleep(100);
      long millis = idle.idleBeforePeerFin(fd(client));
      assertTrue(millis >= 390 && millis < 600, "idle before the goodbye and FIN, ms: " + millis);
    }
  }

  @Test
  void theIdleTimeRunsFromTheLaterDataUnlessTheReceiptWasAGoodbye() {
    assertEquals(400, IdleTimes.idleBefore(401, 400), "request, response, idle");
    assertEquals(IdleTimes.UNKNOWN, IdleTimes.idleBefore(3, 900), "a write acknowledged after it");
    assertEquals(IdleTimes.UNKNOWN, IdleTimes.idleBefore(400, 900), "a request left unanswered");
    assertEquals(400, IdleTimes.idleBefore(400, 3), "a goodbye with the FIN");
    assertEquals(300, IdleTimes.idleBefore(-100, 300), "a write after the FIN is left out");
    assertEquals(2, IdleTimes.idleBefore(2, 0), "a close right after the response");
  }

  @Test
  void aConnectionBusyUntilTheFinWasNotIdle() throws Exception {
    try (ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
      SocketChannel accepted = server.accept();
      Thread.sleep(300);
      exchange(client, accepted);
      accepted.close();
      Thread.sleep(200);
      long millis = idle.idleBeforePeerFin(fd(client));
      assertTrue(millis >= 0 && millis < 100, "idle before the FIN, ms: " + millis);
    }
  }

  @Test
  void aDescriptorThatIsNoSocketHasNoAnswer() {
    assertEquals(IdleTimes.UNKNOWN, idle.idleBeforePeerFin(-1));
    assertEquals(IdleTimes.UNKNOWN, idle.idleBeforePeerFin(0)); // standard input
  }

  @Test
  void anAgentWithoutTheLibrarySaysWhy() {
    IdleTimes none = new IdleTimes(JDK, new ClassLoader(null) {});
    assertEquals(IdleTimes.UNKNOWN, none.idleBeforePeerFin(0));
    assertTrue(
        none.status().startsWith("unavailable: this agent was built without native code"),
        none.status());
  }

  private static ServerSocketChannel listen() throws Exception {
    return ServerSocketChannel.open()
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private static void exchange(SocketChannel client, SocketChannel accepted) throws Exception {
    client.write(ByteBuffer.wrap(new byte[] {1}));
    accepted.read(ByteBuffer.allocate(1));
    accepted.write(ByteBuffer.wrap(new byte[] {2}));
    client.read(ByteBuffer.allocate(1));
  }

  private static int fd(SocketChannel channel) {
    JdkSockets sockets = JDK.get();
    return sockets.fdNumber(sockets.fd(channel));
  }
}
