package dev.timewait.agent.e2e;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.management.ObjectName;

/**
 * A small application driven over stdin by the lifecycle tests: {@code closes N} makes N
 * connections that this JVM closes first, {@code leak N} makes N connections that the peer closes
 * and this JVM keeps open (CLOSE_WAIT), {@code release} closes them, {@code mbean} says whether the
 * agent's MBean is there, {@code echo N} makes N request-response connections and prints what they
 * carried, {@code http N} serves N requests with the JDK's HTTP server, which closes first (a
 * library's close: {@code jdk.httpserver}), {@code attr TYPE NAME} prints an attribute of {@code
 * dev.timewait:type=TYPE}, {@code stop-agent-threads} interrupts the agent's threads, {@code exit}
 * ends it.
 */
public final class LifecycleApp {
  private static final java.util.List<Socket> LEAKED = new java.util.ArrayList<>();

  private LifecycleApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("closes ")) {
        int n = Integer.parseInt(line.substring(7));
        closeFirst(n);
        System.out.println("done " + n);
      } else if (line.startsWith("leak ")) {
        int n = Integer.parseInt(line.substring(5));
        leak(n);
        System.out.println("leaked " + n);
      } else if (line.equals("release")) {
        for (Socket s : LEAKED) {
          s.close();
        }
        System.out.println("released " + LEAKED.size());
        LEAKED.clear();
      } else if (line.equals("mbean")) {
        boolean there =
            ManagementFactory.getPlatformMBeanServer()
                .isRegistered(new ObjectName("dev.timewait:type=Agent"));
        System.out.println("mbean " + there);
      } else if (line.startsWith("echo ")) {
        System.out.println(echo(Integer.parseInt(line.substring(5))));
      } else if (line.startsWith("http ")) {
        int n = Integer.parseInt(line.substring(5));
        System.out.println("served " + http(n));
      } else if (line.startsWith("attr ")) {
        String[] words = line.split(" ");
        System.out.println("attr " + attribute(words[1], words[2]));
      } else if (line.equals("stop-agent-threads")) {
        System.out.println("stopped " + stopAgentThreads());
      } else if (line.equals("exit")) {
        break;
      }
    }
    System.out.println("bye");
  }

  /**
   * N connections: the client sends 1000 bytes, the server sends them back and closes after the
   * client. Prints what the application saw, which must not depend on the agent.
   */
  static String echo(int n) throws Exception {
    long sent = 0;
    long received = 0;
    long checksum = 0;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < n; i++) {
                    try (Socket s = server.accept()) {
                      byte[] request = s.getInputStream().readNBytes(1000);
                      s.getOutputStream().write(request);
                      s.getInputStream().read(); // the client's FIN
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                }
              });
      peer.start();
      byte[] request = new byte[1000];
      for (int i = 0; i < n; i++) {
        for (int b = 0; b < request.length; b++) {
          request[b] = (byte) (i * 31 + b);
        }
        try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
          client.getOutputStream().write(request);
          sent += request.length;
          byte[] response = client.getInputStream().readNBytes(1000);
          received += response.length;
          for (byte b : response) {
            checksum = checksum * 31 + b;
          }
        }
      }
      peer.join(10_000);
    }
    return "echoed " + n + " sent " + sent + " received " + received + " checksum " + checksum;
  }

  /**
   * N requests with {@code Connection: close} to the JDK's HTTP server, which closes each
   * connection first; the client reads to the end and closes after it. Returns the responses read.
   */
  static int http(int n) throws Exception {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    int served = 0;
    try {
      byte[] request =
          "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int i = 0; i < n; i++) {
        try (Socket client =
            new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
          client.getOutputStream().write(request);
          String response =
              new String(
                  client.getInputStream().readAllBytes(),
                  java.nio.charset.StandardCharsets.US_ASCII);
          if (response.startsWith("HTTP/1.1 200")) {
            served++;
          }
        }
      }
    } finally {
      server.stop(0);
    }
    return served;
  }

  static String attribute(String type, String name) {
    try {
      Object value =
          ManagementFactory.getPlatformMBeanServer()
              .getAttribute(new ObjectName("dev.timewait:type=" + type), name);
      return value instanceof Object[]
          ? java.util.Arrays.toString((Object[]) value)
          : String.valueOf(value);
    } catch (Exception e) {
      return "error " + e.getClass().getSimpleName();
    }
  }

  /** Interrupts the agent's threads and waits for them to end; returns how many ended. */
  static int stopAgentThreads() throws InterruptedException {
    int ended = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("timewait-")) {
        t.interrupt();
        t.join(5_000);
        if (!t.isAlive()) {
          ended++;
        }
      }
    }
    return ended;
  }

  /** The peer closes each connection; this JVM keeps its end open and reachable. */
  static void leak(int n) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < n; i++) {
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        server.accept().close();
        LEAKED.add(client);
      }
    }
  }

  static void closeFirst(int n) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread peer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < n; i++) {
                    try (Socket s = server.accept()) {
                      InputStream input = s.getInputStream();
                      while (input.read() >= 0) {
                        // until the client's FIN
                      }
                    }
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                }
              });
      peer.start();
      for (int i = 0; i < n; i++) {
        Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
        client.getOutputStream().write(1);
        client.close();
      }
      peer.join(10_000);
    }
  }
}
