package dev.timewait.agent.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a child JVM with the agent: Netty 4.2 on one transport ({@code epoll}, {@code io_uring}
 * or {@code nio}, the first argument), one method per way a connection ends. The connects and the
 * closes that the methods ask for run on Netty's event loops. Each prints {@code case=NAME
 * client=IP:PORT server=IP:PORT}; {@code unavailable} when the transport cannot run here.
 */
public final class NettyScenarios {
  private static final byte ECHO = 'e';
  private static final byte CLOSE = 'c';

  private final IoHandlerFactory transport;
  private final Class<? extends Channel> clientType;
  private final Class<? extends ServerChannel> serverType;
  private final String host;
  private EventLoopGroup clients;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel server;

  private NettyScenarios(
      IoHandlerFactory transport,
      Class<? extends Channel> clientType,
      Class<? extends ServerChannel> serverType,
      String host) {
    this.transport = transport;
    this.clientType = clientType;
    this.serverType = serverType;
    this.host = host;
  }

  public static void main(String[] args) throws Exception {
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    NettyScenarios s;
    switch (args[0]) {
      case "epoll":
        if (!Epoll.isAvailable()) {
          System.out.println("unavailable " + Epoll.unavailabilityCause());
          return;
        }
        s =
            new NettyScenarios(
                EpollIoHandler.newFactory(),
                EpollSocketChannel.class,
                EpollServerSocketChannel.class,
                host);
        break;
      case "io_uring":
        if (!IoUring.isAvailable()) {
          System.out.println("unavailable " + IoUring.unavailabilityCause());
          return;
        }
        s =
            new NettyScenarios(
                IoUringIoHandler.newFactory(),
                IoUringSocketChannel.class,
                IoUringServerSocketChannel.class,
                host);
        break;
      default:
        s =
            new NettyScenarios(
                NioIoHandler.newFactory(),
                NioSocketChannel.class,
                NioServerSocketChannel.class,
                host);
    }
    s.startServer();
    if (args.length > 2 && args[2].equals("--wait-for-agent")) {
      System.out.println("ready " + ProcessHandle.current().pid()); // Netty's classes are loaded
      System.out.flush();
      waitForAgent();
    }
    try {
      s.clientFirst();
      s.serverFirst();
      s.halfCloseFirst();
      s.lingerZero();
    } finally {
      s.stop();
    }
    System.out.println("done");
  }

  private static void waitForAgent() throws Exception {
    javax.management.ObjectName agent = new javax.management.ObjectName("dev.timewait:type=Agent");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!java.lang.management.ManagementFactory.getPlatformMBeanServer().isRegistered(agent)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("agent did not attach within 30 s");
      }
      Thread.sleep(20);
    }
  }

  /** The code that starts the server: the open site of every connection it accepts. */
  void startServer() throws InterruptedException {
    clients = new MultiThreadIoEventLoopGroup(1, transport);
    boss = new MultiThreadIoEventLoopGroup(1, transport);
    workers = new MultiThreadIoEventLoopGroup(1, transport);
    server =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(serverType)
            .childHandler(new ServerHandler())
            .bind(host, 0)
            .sync()
            .channel();
  }

  void stop() {
    server.close().syncUninterruptibly();
    clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  // ---- the cases ----

  void clientFirst() throws Exception {
    Channel client = connect(false);
    send(client, ECHO).get(10, TimeUnit.SECONDS);
    report("clientFirst", client);
    client.close().sync();
  }

  void serverFirst() throws Exception {
    Channel client = connect(false);
    report("serverFirst", client);
    send(client, CLOSE);
    client.closeFuture().await(10, TimeUnit.SECONDS); // Netty closes it on the server's FIN
  }

  void halfCloseFirst() throws Exception {
    Channel client = connect(false);
    send(client, ECHO).get(10, TimeUnit.SECONDS);
    report("halfCloseFirst", client);
    ((DuplexChannel) client).shutdownOutput().sync();
    client.closeFuture().await(10, TimeUnit.SECONDS);
  }

  void lingerZero() throws Exception {
    Channel client = connect(true);
    send(client, ECHO).get(10, TimeUnit.SECONDS);
    report("lingerZero", client);
    client.close().sync();
  }

  // ---- helpers ----

  private Channel connect(boolean lingerZero) throws InterruptedException {
    Bootstrap b = new Bootstrap().group(clients).channel(clientType).handler(new Reply());
    if (lingerZero) {
      b.option(ChannelOption.SO_LINGER, 0);
    }
    return b.connect(server.localAddress()).sync().channel();
  }

  /** Sends one command byte; completes with the echo, if any. */
  private static CompletableFuture<Object> send(Channel client, byte command) {
    CompletableFuture<Object> echo = new CompletableFuture<>();
    client.attr(Reply.ECHO).set(echo);
    client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {command}));
    return echo;
  }

  private void report(String name, Channel client) {
    System.out.println(
        "case="
            + name
            + " client="
            + endpoint((InetSocketAddress) client.localAddress())
            + " server="
            + endpoint((InetSocketAddress) server.localAddress()));
  }

  static String endpoint(InetSocketAddress a) {
    String ip = a.getAddress().getHostAddress();
    int zone = ip.indexOf('%');
    if (zone >= 0) {
      ip = ip.substring(0, zone);
    }
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }

  /** The client's handler: hands the echo to the waiting case. */
  static final class Reply extends ChannelInboundHandlerAdapter {
    static final io.netty.util.AttributeKey<CompletableFuture<Object>> ECHO =
        io.netty.util.AttributeKey.valueOf("echo");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      CompletableFuture<Object> echo = ctx.channel().attr(ECHO).get();
      if (echo != null) {
        echo.complete(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The server's handler: echoes, or closes first when told to. */
  @ChannelHandler.Sharable
  static final class ServerHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      byte command = bytes.getByte(bytes.readerIndex());
      if (command == CLOSE) {
        bytes.release();
        ctx.close();
      } else {
        ctx.writeAndFlush(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset from the client
    }
  }
}
