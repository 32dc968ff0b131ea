package com.example.stacks.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The client of the server cases: one {@code GET /} with {@code Connection: close} on a {@code
 * java.net.Socket}, read to the end. The server closes first; this side closes after its FIN.
 */
public final class ConnectionCloseGet {
  private ConnectionCloseGet() {}

  /** Returns the whole response. */
  public static String get(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 200")) {
        throw new IOException("unexpected response: " + response);
      }
      return response;
    }
  }
}
