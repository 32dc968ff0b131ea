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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 on the NIO transport ({@code NioSocketChannel}): the JDK's {@code SocketChannel}. Each
 * call connects, sends a line, waits for the echo and closes the channel: the client closes first.
 */
public final class NioClient {
  private NioClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (EchoServer server =
        EchoServer.start(NioIoHandler.newFactory(), NioServerSocketChannel.class, options.port())) {
      int status =
          CaseArgs.runCalls("netty-nio", options.calls(), i -> call(group, options.port()));
      if (!server.awaitClosed(options.calls(), 5000)) {
        System.err.println("netty-nio: the server did not close every connection");
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
            .channel(NioSocketChannel.class)
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
