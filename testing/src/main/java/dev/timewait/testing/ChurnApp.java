package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * The live-kernel experiments' program, run in a network namespace ({@link Churn} starts it):
 * servers on the given addresses and clients that open connections to targets at a fixed rate, each
 * closed at once. Arguments, {@code key=value}:
 *
 * <ul>
 *   <li>{@code serve=IP:PORT}, repeatable: a server there;
 *   <li>{@code to=IP:PORT}, repeatable: a client thread churning to that target;
 *   <li>{@code rate=N} connections a second per target, {@code count=N} per target;
 *   <li>{@code close=client|server|leak}: the client closes first (its end goes to TIME_WAIT), the
 *       server closes first (the server's end does), or the server closes and the client keeps its
 *       socket open (CLOSE_WAIT);
 *   <li>{@code findings=true}: with the agent, watch its {@code dev.timewait:type=Findings} MBean
 *       and print {@code finding ID SEVERITY MS TITLE} when a finding first appears at a severity.
 * </ul>
 *
 * Prints {@code listening} once the servers are bound, then per target {@code result TARGET
 * start=MS opened=N failed=M addrNotAvail=K firstFail=MS openedBeforeFail=N other=TEXT} (wall-clock
 * milliseconds), then {@code done}; it keeps its sockets and servers until stdin ends.
 */
public final class ChurnApp {

  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private ChurnApp() {}

  public static void main(String[] args) throws Exception {
    List<InetSocketAddress> serve = new ArrayList<>();
    List<InetSocketAddress> targets = new ArrayList<>();
    double rate = 50;
    int count = 0;
    String close = "client";
    boolean findings = false;
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "serve" -> serve.add(address(kv[1]));
        case "to" -> targets.add(address(kv[1]));
        case "rate" -> rate = Double.parseDouble(kv[1]);
        case "count" -> count = Integer.parseInt(kv[1]);
        case "close" -> close = kv[1];
        case "findings" -> findings = Boolean.parseBoolean(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    boolean serverCloses = !close.equals("client");
    for (InetSocketAddress address : serve) {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(address, 4096);
      daemon(() -> serveLoop(server, serverCloses));
    }
    if (findings) {
      daemon(ChurnApp::watchFindings);
    }
    System.out.println("listening");
    List<Thread> clients = new ArrayList<>();
    List<Socket> held = new ArrayList<>();
    for (InetSocketAddress target : targets) {
      Churn churn = new Churn(target, rate, count, close, held);
      Thread thread = new Thread(churn::run, "churn " + target);
      thread.start();
      clients.add(thread);
    }
    for (Thread thread : clients) {
      thread.join();
    }
    System.out.println("done");
    // Keeps the servers and any held sockets until the test lets go.
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // nothing to do: the end of stdin ends the program
      }
    }
    synchronized (held) {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  private static void serveLoop(ServerSocket server, boolean serverCloses) {
    while (true) {
      try {
        Socket socket = server.accept();
        if (!serverCloses) {
          // The client closes first: wait for its FIN, then close.
          drain(socket.getInputStream());
        }
        socket.close();
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  /** One target's churn, paced by the wall clock so that a stall is caught up. */
  private record Churn(
      InetSocketAddress target, double rate, int count, String close, List<Socket> held) {

    void run() {
      long opened = 0;
      long failed = 0;
      long addrNotAvail = 0;
      long firstFail = -1;
      long openedBeforeFail = -1;
      String other = "-";
      Set<Integer> ports = new HashSet<>();
      long startMillis = System.currentTimeMillis();
      long startNanos = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long due = startNanos + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        Socket socket = new Socket();
        try {
          socket.connect(target, CONNECT_TIMEOUT_MILLIS);
          opened++;
          ports.add(socket.getLocalPort());
          if (close.equals("client")) {
            socket.close();
          } else {
            drain(socket.getInputStream());
            if (close.equals("leak")) {
              synchronized (held) {
                held.add(socket);
              }
            } else {
              socket.close();
            }
          }
        } catch (BindException e) {
          // connect() found no free local port for this destination: EADDRNOTAVAIL.
          failed++;
          addrNotAvail++;
          if (firstFail < 0) {
            firstFail = System.currentTimeMillis();
            openedBeforeFail = opened;
          }
          closeQuietly(socket);
        } catch (IOException e) {
          failed++;
          other = e.toString().replace(' ', '_');
          closeQuietly(socket);
        }
      }
      String ip = target.getAddress().getHostAddress();
      System.out.println(
          "result "
              + ip
              + ":"
              + target.getPort()
              + " start="
              + startMillis
              + " opened="
              + opened
              + " failed="
              + failed
              + " addrNotAvail="
              + addrNotAvail
              + " firstFail="
              + firstFail
              + " openedBeforeFail="
              + openedBeforeFail
              + " ports="
              + ports.size()
              + " other="
              + other);
    }
  }

  /** Polls the agent's Findings MBean (open types: no agent class needed) every 100 ms. */
  private static void watchFindings() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<String> seen = new HashSet<>();
    try {
      ObjectName name = new ObjectName("dev.timewait:type=Findings");
      while (true) {
        if (server.isRegistered(name)) {
          TabularData table = (TabularData) server.getAttribute(name, "Findings");
          long now = System.currentTimeMillis();
          for (Object row : table.values()) {
            CompositeData key = (CompositeData) ((CompositeData) row).get("key");
            CompositeData value = (CompositeData) ((CompositeData) row).get("value");
            String id = key.get("id") + " " + key.get("severity");
            if (seen.add(id)) {
              System.out.println(
                  ("finding "
                          + id
                          + " "
                          + now
                          + " "
                          + value.get("title")
                          + " | "
                          + value.get("evidence")
                          + " | "
                          + value.get("recommendation"))
                      .replace('\n', ' '));
            }
          }
        }
        Thread.sleep(100);
      }
    } catch (JMException | InterruptedException e) {
      System.out.println("findings unreadable " + e);
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // until the peer's FIN
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing was opened
    }
  }

  private static InetSocketAddress address(String ipPort) throws IOException {
    int colon = ipPort.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.getByName(ipPort.substring(0, colon)),
        Integer.parseInt(ipPort.substring(colon + 1)));
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "server");
    thread.setDaemon(true);
    thread.start();
  }
}
