package com.example.stacks.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A Netty echo server on a given transport. It echoes what it reads and keeps the connection until
 * the client closes it; Netty then closes the server's side on its event loop.
 */
public final class EchoServer implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Semaphore closed = new Semaphore(0);

  private EchoServer(IoHandlerFactory transport) {
    this.boss = new MultiThreadIoEventLoopGroup(1, transport);
    this.workers = new MultiThreadIoEventLoopGroup(2, transport);
  }

  /** Binds 127.0.0.1:{@code port}. */
  public static EchoServer start(
      IoHandlerFactory transport, Class<? extends ServerChannel> channelType, int port)
      throws InterruptedException {
    EchoServer server = new EchoServer(transport);
    new ServerBootstrap()
        .group(server.boss, server.workers)
        .channel(channelType)
        .childHandler(server.new Echo())
        .bind("127.0.0.1", port)
        .sync();
    return server;
  }

  /** Waits until the server has closed {@code connections} connections, at most {@code millis}. */
  public boolean awaitClosed(int connections, long millis) throws InterruptedException {
    return closed.tryAcquire(connections, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Echoes every read. */
  @ChannelHandler.Sharable
  final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Channel channel = ctx.channel();
      System.err.println("echo server: " + cause + " on " + channel);
      channel.close();
    }
  }
}
