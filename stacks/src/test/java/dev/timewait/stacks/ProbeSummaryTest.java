package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeSummaryTest {
  @Test
  void likeEventsAreGroupedByThreadLibraryFrameAndApplicationFrame() {
    String onLoop =
        "io.netty.channel.unix.FileDescriptor.close(FileDescriptor.java:80)"
            + "|io.netty.channel.epoll.AbstractEpollChannel.doClose(AbstractEpollChannel.java:180)"
            + "|java.lang.Thread.run(Thread.java:833)";
    String onCaller =
        "sun.nio.ch.NioSocketImpl.close(NioSocketImpl.java:870)"
            + "|java.net.Socket.close(Socket.java:1585)"
            + "|com.example.stacks.jdk.SocketClient.call(SocketClient.java:80)"
            + "|com.example.stacks.CaseArgs.runCalls(CaseArgs.java:60)";
    Map<ProbeSummary.Group, Integer> groups =
        ProbeSummary.summarize(
            List.of(
                "close\tepollEventLoopGroup-2-1\t" + onLoop,
                "close\tepollEventLoopGroup-3-1\t" + onLoop,
                "close\tmain\t" + onCaller,
                "not an event line"));

    assertEquals(2, groups.size());
    ProbeSummary.Group loop = groups.keySet().iterator().next();
    assertEquals("epollEventLoopGroup-#-#", loop.thread());
    assertEquals("io.netty.channel.unix.FileDescriptor.close", loop.library());
    assertEquals("-", loop.application());
    assertEquals(2, groups.get(loop));
    ProbeSummary.Group caller = List.copyOf(groups.keySet()).get(1);
    assertEquals("com.example.stacks.jdk.SocketClient.call", caller.library());
    assertEquals("com.example.stacks.jdk.SocketClient.call", caller.application());
  }

  @Test
  void aVirtualThreadIsNamedSoAndObjectIdsLeaveThreadNames() {
    assertEquals(
        "(virtual)",
        ProbeSummary.thread(
            "",
            List.of(
                "a.B.c(B.java:1)",
                "java.lang.VirtualThread.run(VirtualThread.java:460)",
                "jdk.internal.vm.Continuation.enter(Continuation.java:316)")));
    assertEquals(
        "qtp#-#-acceptor-#",
        ProbeSummary.thread("qtp1234-17-acceptor-0@5bb3a8-oejs.ServerConnector@1c2a", List.of()));
  }

  @Test
  void aJdkModuleAboveTheSocketClassesIsTheInnermostFrame() {
    assertEquals(
        "sun.net.httpserver.ServerImpl$Exchange.run",
        ProbeSummary.innermost(
            List.of(
                "sun.nio.ch.SocketChannelImpl.implCloseSelectableChannel(SocketChannelImpl.java:1)",
                "java.nio.channels.spi.AbstractInterruptibleChannel.close(A.java:2)",
                "sun.net.httpserver.ServerImpl$Exchange.run(ServerImpl.java:3)"),
            false));
  }
}
