package dev.timewait.bench;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.hook.IdleTimes;
import dev.timewait.agent.internal.hook.LazyJdkSockets;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.hook.SiteResolver;
import dev.timewait.agent.internal.hook.SiteSampling;
import dev.timewait.agent.internal.hook.SocketEventHandler;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the advice hands to the agent for one connection, on a real connected loopback socket: the
 * bridge's open event (site lookup, addresses) and its close event (kernel poll, {@code SO_LINGER},
 * close-site lookup, recording). The socket itself stays open, so only the agent's work is timed.
 * Also the site lookup alone. The application frame sits as deep below the walk's start as for a
 * real close (ninth frame).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
    })
public class SocketEventBenchmark {
  @Param({"Socket", "SocketChannel"})
  public String type;

  /**
   * The agent's {@code siteRate}: 0 walks every connection's stacks; 1000 (the default) walks the
   * first 1,000 connections of each second and a sample of the rest, as a busy JVM does.
   */
  @Param({"0", "1000"})
  public int siteRate;

  private ServerSocket server;
  private Socket accepted;
  private Socket socket;
  private SocketChannel channel;
  private Object jdkSocket;
  private SiteResolver resolver;
  private SocketEventHandler handler;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    server = new ServerSocket(0, 50, loopback);
    InetSocketAddress address = new InetSocketAddress(loopback, server.getLocalPort());
    if (type.equals("Socket")) {
      socket = new Socket(loopback, server.getLocalPort());
      jdkSocket = nioSocketImpl(socket);
    } else {
      channel = SocketChannel.open(address);
      jdkSocket = channel;
    }
    accepted = server.accept();
    // In the agent its own frames are skipped by class loader; here they share the benchmark's.
    resolver =
        new SiteResolver(
            List.of(SocketEventHandler.class.getName(), JdkFrames.PREFIX),
            List.of(),
            8,
            4000,
            null);
    CloseRecorder recorder = new CloseRecorder(1000, 1000, 131072);
    LazyJdkSockets sockets = new LazyJdkSockets();
    handler =
        new SocketEventHandler(
            sockets,
            resolver,
            new SiteSampling(siteRate, System::nanoTime),
            recorder,
            new OpenConnections(),
            new IdleTimes(sockets, SocketEventBenchmark.class.getClassLoader()),
            new AgentErrors());
    if (!CloseBridge.install(handler)) {
      throw new IllegalStateException("a sink is installed already");
    }
  }

  /** The {@code NioSocketImpl} behind a socket, which the advice hooks (behind a SOCKS wrapper). */
  private static Object nioSocketImpl(Socket socket) throws ReflectiveOperationException {
    Object impl = field(Socket.class, "impl").get(socket);
    while (!impl.getClass().getName().equals("sun.nio.ch.NioSocketImpl")) {
      impl = field(Class.forName("java.net.DelegatingSocketImpl"), "delegate").get(impl);
    }
    return impl;
  }

  private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
    Field field = owner.getDeclaredField(name);
    field.setAccessible(true);
    return field;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    CloseBridge.uninstall();
    if (socket != null) {
      socket.close();
    }
    if (channel != null) {
      channel.close();
    }
    accepted.close();
    server.close();
  }

  /** One connection as the agent sees it: opened by this thread, then closed by it. */
  @Benchmark
  public void openAndClose() {
    JdkFrames.connect(jdkSocket);
    JdkFrames.close(jdkSocket);
  }

  /** The open alone: the connection's entry in the table is replaced each time (same fd). */
  @Benchmark
  public void openOnly() {
    JdkFrames.connect(jdkSocket);
  }

  /** The close alone, for a connection the agent did not see open (its row is made at close). */
  @Benchmark
  public void closeOnly() {
    JdkFrames.close(jdkSocket);
  }

  /** The site lookup: a stack walk to the first application frame, then the interned site. */
  @Benchmark
  public CodeSite resolveSite() {
    return JdkFrames.resolve(resolver);
  }

  /**
   * Stands in for the JDK's frames between the application and the advice ({@code Socket.close},
   * {@code SocksSocketImpl.close}, {@code NioSocketImpl.close}), and is excluded like them, so that
   * the stack walk goes as deep as it does for a real close.
   */
  static final class JdkFrames {
    static final String PREFIX = JdkFrames.class.getName();

    static void connect(Object socket) {
      connect2(socket);
    }

    private static void connect2(Object socket) {
      connect3(socket);
    }

    private static void connect3(Object socket) {
      CloseBridge.opened(socket, CloseBridge.CLIENT);
    }

    static void close(Object socket) {
      close2(socket);
    }

    private static void close2(Object socket) {
      close3(socket);
    }

    /** As the advice calls them: entry of the close, the moment before the FIN, its exit. */
    private static void close3(Object socket) {
      Object token = CloseBridge.closing(socket);
      CloseBridge.finLeaving(socket);
      CloseBridge.closed(token);
    }

    static CodeSite resolve(SiteResolver resolver) {
      return resolve2(resolver);
    }

    private static CodeSite resolve2(SiteResolver resolver) {
      return resolve3(resolver);
    }

    private static CodeSite resolve3(SiteResolver resolver) {
      // the frames the agent adds above a JDK close: bridge, handler, resolver
      return resolve4(resolver);
    }

    private static CodeSite resolve4(SiteResolver resolver) {
      return resolve5(resolver);
    }

    private static CodeSite resolve5(SiteResolver resolver) {
      return resolve6(resolver);
    }

    private static CodeSite resolve6(SiteResolver resolver) {
      return resolve7(resolver);
    }

    private static CodeSite resolve7(SiteResolver resolver) {
      return resolver.resolve();
    }
  }
}
