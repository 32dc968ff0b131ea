package dev.timewait.agent.internal.hook;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;

/**
 * How long a connection sat idle before its peer closed it, from the kernel's {@code struct
 * tcp_info} ({@code tcpi_last_data_sent}, {@code tcpi_last_data_recv}, {@code tcpi_last_ack_recv}),
 * which the JDK does not expose. The one native function lives in a module of its own ({@code
 * dev.timewait.tcpinfo}, resources under {@code timewait-native/}), defined in a module layer of
 * the agent's with native access granted to that module alone, so that the JVM prints no warning
 * about it and nothing else gains native access.
 *
 * <p>Loaded by the agent's thread once the application has connections ({@link #preload}), or at
 * the first use if that comes sooner: the library and the module's classes are copied to a private
 * temporary folder (the JVM maps a library from a file), loaded, and deleted. Where that cannot be
 * done (not Linux, an agent built without gcc, a temporary folder mounted {@code noexec}) every
 * answer is {@link #UNKNOWN} and {@link #status()} says why.
 */
public final class IdleTimes {
  /** No idle time: the feature is unavailable, or the kernel did not answer. */
  public static final long UNKNOWN = -1;

  /** Data received this close to the FIN came with it: the peer's goodbye. */
  static final int GOODBYE_MILLIS = 20;

  static final String RESOURCES = "timewait-native/";
  static final String MODULE = "dev.timewait.tcpinfo";
  static final String CLASS = "dev.timewait.tcpinfo.TcpInfo";
  static final String LIBRARY = "libtimewait-tcpinfo.so";

  private final LazyJdkSockets jdk;
  private final ClassLoader resources;
  private volatile MethodHandle idle;
  private volatile String status = "not loaded yet";
  private volatile boolean tried;

  public IdleTimes(LazyJdkSockets jdk, ClassLoader resources) {
    this.jdk = jdk;
    this.resources = resources;
  }

  /**
   * Milliseconds the connection on descriptor {@code fd} had been idle when its last segment
   * arrived: for a connection whose peer's FIN has arrived, how long it sat idle before the peer
   * closed it. {@link #UNKNOWN} where that cannot be read.
   */
  public long idleBeforePeerFin(int fd) {
    MethodHandle h = idle;
    if (h == null) {
      if (tried) {
        return UNKNOWN;
      }
      h = load();
      if (h == null) {
        return UNKNOWN;
      }
    }
    long times;
    try {
      times = (long) h.invokeExact(fd);
    } catch (Throwable t) {
      return UNKNOWN;
    }
    return times == Long.MIN_VALUE ? UNKNOWN : idleBefore((int) (times >> 32), (int) times);
  }

  /**
   * The idle time before the peer's FIN from when this side last sent and last received data, each
   * in milliseconds before the last segment that arrived ({@code sent} negative when the data left
   * after it).
   *
   * <ul>
   *   <li>Data sent after the last segment is a write into the closed connection (a pool's next use
   *       of a stale one): the FIN was that segment, and the idle time runs from the data received
   *       before it.
   *   <li>Data received with the FIN is the peer's goodbye (PostgreSQL's error for {@code
   *       idle_session_timeout}, gRPC's GOAWAY), not use: the idle time runs from the last send,
   *       the request the connection last served.
   *   <li>A request answered, then the FIN: the idle time runs from the answer.
   *   <li>Data sent after the last data received, and acknowledged, tells no idle time: a write
   *       into a connection the peer had only half closed, whose acknowledgement came after the
   *       FIN, or a request the peer closed on without answering. {@link #UNKNOWN}.
   * </ul>
   */
  static long idleBefore(int sent, int received) {
    if (sent < 0) {
      return received;
    }
    if (received <= GOODBYE_MILLIS) {
      return sent;
    }
    return sent >= received ? received : UNKNOWN;
  }

  /**
   * Loads the native call now, on the calling (agent's) thread, so that no application thread does
   * the copying and loading at its first such close.
   */
  public void preload() {
    if (!tried) {
      load();
    }
  }

  /** {@code available}, or why idle times are not read. */
  public String status() {
    return status;
  }

  private synchronized MethodHandle load() {
    if (tried) {
      return idle;
    }
    try {
      idle = define();
      status = "available";
    } catch (Unavailable e) {
      status = "unavailable: " + e.getMessage();
    } catch (Throwable t) {
      status = "unavailable: " + t;
      System.err.println("timewait: idle times before a peer's close are off: " + t);
    } finally {
      tried = true;
    }
    return idle;
  }

  private MethodHandle define() throws Throwable {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      throw new Unavailable("the kernel's tcp_info times are read on Linux only");
    }
    String platform = "linux-" + System.getProperty("os.arch");
    Path dir = Files.createTempDirectory("timewait-native-");
    try {
      Path so = copy(platform + "/" + LIBRARY, dir);
      if (so == null) {
        throw new Unavailable("this agent was built without native code for " + platform);
      }
      if (copy("module-info.class", dir) == null
          || copy(CLASS.replace('.', '/') + ".class", dir) == null) {
        throw new Unavailable("this agent jar lacks the " + MODULE + " module");
      }
      Configuration configuration =
          ModuleLayer.boot()
              .configuration()
              .resolve(ModuleFinder.of(dir), ModuleFinder.of(), Set.of(MODULE));
      ModuleLayer.Controller controller =
          ModuleLayer.defineModulesWithOneLoader(
              configuration, List.of(ModuleLayer.boot()), IdleTimes.class.getClassLoader());
      Module module = controller.layer().findModule(MODULE).orElseThrow();
      enableNativeAccess(controller, module);
      Class<?> type = Class.forName(CLASS, true, module.getClassLoader());
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      lookup
          .findStatic(type, "load", MethodType.methodType(void.class, String.class))
          .invoke(so.toString());
      MethodHandle h =
          lookup.findStatic(
              type, "dataBeforeLastSegment", MethodType.methodType(long.class, int.class));
      probe(h);
      return h;
    } finally {
      deleteAll(dir);
    }
  }

  /**
   * Native access for this module alone, as {@code --enable-native-access=dev.timewait.tcpinfo}
   * would grant it. Needed from JDK 22 on, where loading a library from a module without it prints
   * a warning; the public way ({@code ModuleLayer.Controller.enableNativeAccess}) is itself such a
   * method, so the module's own grant is used ({@code java.lang} is opened to the agent for it).
   * Where neither that nor the command line grants it, idle times are off.
   */
  private static void enableNativeAccess(ModuleLayer.Controller controller, Module module)
      throws Throwable {
    if (Runtime.version().feature() < 22) {
      return;
    }
    try {
      Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
      grant.setAccessible(true);
      grant.invoke(module);
      return;
    } catch (ReflectiveOperationException | RuntimeException notThisWay) {
      // try the command line's grant
    }
    Method granted = Module.class.getMethod("isNativeAccessEnabled");
    if (!(Boolean) granted.invoke(IdleTimes.class.getModule())) {
      throw new Unavailable(
          "this JDK restricts native access: start the JVM with"
              + " --enable-native-access=ALL-UNNAMED to read idle times");
    }
    ModuleLayer.Controller.class
        .getMethod("enableNativeAccess", Module.class)
        .invoke(controller, module);
  }

  /** Asks once, on a socket of our own that never connects, that the call answers. */
  private void probe(MethodHandle h) throws Throwable {
    try (SocketChannel channel = SocketChannel.open()) {
      JdkSockets sockets = jdk.get();
      long answer = (long) h.invokeExact(sockets.fdNumber(sockets.fd(channel)));
      if (answer == Long.MIN_VALUE) {
        throw new Unavailable("getsockopt(TCP_INFO) gives no times here");
      }
    }
  }

  /** Copies a resource into {@code dir}; null when the jar does not have it. */
  private Path copy(String name, Path dir) throws IOException {
    try (InputStream in = resources.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        return null;
      }
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    }
  }

  private static void deleteAll(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(IdleTimes::deleteQuietly);
    } catch (IOException | RuntimeException e) {
      // a file left in the temporary folder is harmless
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // left behind
    }
  }

  /** The feature cannot run here, for an expected reason: said in the status, not on stderr. */
  private static final class Unavailable extends IOException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }
}
