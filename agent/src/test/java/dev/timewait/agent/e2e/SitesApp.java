package dev.timewait.agent.e2e;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * {@code SitesApp CLOSES METHODS SITES_PER_METHOD}: accepts CLOSES connections on 127.0.0.1 and
 * closes the n-th with {@code SO_LINGER} 0 at generated close site n ({@link SiteClassWriter}).
 * Then prints the agent's counters and the heap after a GC, and drops sockets without closing them
 * to show that the agent's tracking lets them go.
 */
public final class SitesApp {
  private SitesApp() {}

  public static void main(String[] args) throws Throwable {
    int closes = Integer.parseInt(args[0]);
    int methods = Integer.parseInt(args[1]);
    int perMethod = Integer.parseInt(args[2]);
    Class<?> sites = Class.forName(SiteClassWriter.NAME);
    MethodHandle[] handles = new MethodHandle[methods];
    MethodType type = MethodType.methodType(void.class, Socket.class, int.class);
    for (int m = 0; m < methods; m++) {
      handles[m] = MethodHandles.publicLookup().findStatic(sites, "s" + m, type);
    }
    long started = System.nanoTime();
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
      System.out.println("listening " + server.getLocalPort());
      for (int n = 0; n < closes; n++) {
        Socket s = server.accept();
        s.setSoLinger(true, 0);
        handles[n / perMethod].invokeExact(s, n % perMethod);
      }
    }
    System.out.println("closed " + closes + " millis " + (System.nanoTime() - started) / 1_000_000);
    System.out.println("heapUsedAfterGc " + heapUsedAfterGc());
    for (String attr : new String[] {"SiteOverflow", "EndpointOverflow", "ErrorCount"}) {
      System.out.println(attr + " " + attribute("Agent", attr));
    }
    System.out.println("dropped " + dropWithoutClose(100));
    System.out.println("bye");
  }

  /**
   * Opens {@code n} connections to itself, forgets the client ends without closing them, and
   * reports whether the GC collected them and whether the agent stopped tracking them.
   */
  static String dropWithoutClose(int n) throws Exception {
    List<Socket> kept = new ArrayList<>();
    List<WeakReference<Socket>> dropped = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0, n, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < n; i++) {
        dropped.add(
            new WeakReference<>(new Socket(server.getInetAddress(), server.getLocalPort())));
        kept.add(server.accept());
      }
    }
    long trackedBefore = (Long) attribute("Closes", "TrackedConnections");
    long deadline = System.currentTimeMillis() + 10_000;
    long collected = 0;
    long tracked = trackedBefore;
    while (System.currentTimeMillis() < deadline
        && (collected < n || tracked > trackedBefore - n)) {
      System.gc();
      Thread.sleep(100);
      collected = dropped.stream().filter(r -> r.get() == null).count();
      tracked = (Long) attribute("Closes", "TrackedConnections");
    }
    for (Socket s : kept) {
      s.setSoLinger(true, 0);
      s.close();
    }
    return "collected " + collected + " tracked " + trackedBefore + " -> " + tracked;
  }

  static long heapUsedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static Object attribute(String type, String name) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    return server.getAttribute(new ObjectName("dev.timewait:type=" + type), name);
  }
}
