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
 * agent's MBean is there, {@code exit} ends it.
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
      } else if (line.equals("exit")) {
        break;
      }
    }
    System.out.println("bye");
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
