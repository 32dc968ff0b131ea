package dev.timewait.dist;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A JVM to attach to: makes a few loopback connections it closes first, then waits. */
public final class Sleeper {
  private Sleeper() {}

  public static void main(String[] args) throws Exception {
    System.out.println("ready");
    System.out.flush();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (long end = System.currentTimeMillis() + 120_000; System.currentTimeMillis() < end; ) {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket accepted = server.accept()) {
          client.getOutputStream().write(1);
          accepted.getInputStream().read();
        }
        Thread.sleep(200);
      }
    }
  }
}
