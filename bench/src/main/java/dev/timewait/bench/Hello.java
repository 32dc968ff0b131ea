package dev.timewait.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The application whose start-up is timed: opens one loopback connection (a server socket, a
 * connect and an accept, one byte, both closed), as every application that talks to anything does
 * before long, then prints its peak resident set ({@code VmHWM}, kB) and ends.
 */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) throws Exception {
    oneConnection();
    System.out.println("peak " + peakResidentKilobytes());
  }

  static void oneConnection() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new ServerSocket(0, 50, loopback);
        Socket client = new Socket(loopback, server.getLocalPort());
        Socket accepted = server.accept()) {
      client.getOutputStream().write(1);
      if (accepted.getInputStream().read() != 1) {
        throw new IOException("the byte did not arrive");
      }
    }
  }

  /** {@code VmHWM} of {@code /proc/self/status}, or -1 where there is none. */
  static long peakResidentKilobytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
