package dev.timewait.examples;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A client that opens and closes a connection to its own loopback server every 25 ms, closing first
 * (TIME_WAIT on its side), until its standard input ends: the JVM {@code timewait top} watches in
 * the tests. Prints {@code ready PID} once serving.
 */
public final class TopChurnApp {

  private TopChurnApp() {}

  public static void main(String[] args) throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept =
        new Thread(
            () -> {
              while (true) {
                try (Socket s = server.accept()) {
                  InputStream in = s.getInputStream();
                  while (in.read() >= 0) {
                    // until the client's FIN
                  }
                } catch (Exception e) {
                  return;
                }
              }
            });
    accept.setDaemon(true);
    accept.start();
    Thread churn =
        new Thread(
            () -> {
              while (true) {
                try {
                  churn(server.getLocalPort());
                  Thread.sleep(25);
                } catch (Exception e) {
                  return;
                }
              }
            });
    churn.setDaemon(true);
    churn.start();
    System.out.println("ready " + ProcessHandle.current().pid());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the test closes standard input
    }
  }

  static void churn(int port) throws Exception {
    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
      client.getOutputStream().write(1);
    }
  }
}
