package com.example.stacks.netty;

import com.example.stacks.CaseArgs;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 on the native epoll transport ({@code EpollSocketChannel}): Netty's own JNI sockets.
 * Each call connects, sends a line, waits for the echo and closes the channel: the client closes
 * first.
 */
public final class EpollClient {
  private EpollClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    Epoll.ensureAvailability();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try (EchoServer server =
        EchoServer.start(
            EpollIoHandler.newFactory(), EpollServerSocketChannel.class, options.port())) {
      int status =
          CaseArgs.runCalls("netty-epoll", options.calls(), i -> call(group, options.port()));
      if (!server.awaitClosed(options.calls(), 5000)) {
        System.err.println("netty-epoll: the server did not close every connection");
        status = 1;
      }
      System.exit(status);
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  static void call(EventLoopGroup group, int port) throws Exception {
    CompletableFuture<String> echo = new CompletableFuture<>();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(EpollSocketChannel.class)
            .handler(new Reply(echo))
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    channel.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8));
    echo.get(5, TimeUnit.SECONDS);
    channel.close().sync();
  }

  /** Completes the call's future with the first bytes read. */
  private static final class Reply extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<String> echo;

    Reply(CompletableFuture<String> echo) {
      this.echo = echo;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      try {
        echo.complete(bytes.toString(StandardCharsets.UTF_8));
      } finally {
        bytes.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      echo.completeExceptionally(cause);
    }
  }
}
