package dev.timewait.examples;

import dev.timewait.core.host.IpAddresses;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The few HTTP/1.1 messages the scenarios exchange: a GET and a response with Content-Length. */
final class HttpWire {
  private static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final int END_OF_HEAD = ('\r' << 24) | ('\n' << 16) | ('\r' << 8) | '\n';

  private HttpWire() {}

  /**
   * Reads a message head up to the empty line.
   *
   * @return the head without the final empty line, or null if the stream ended before its first
   *     byte (the peer closed between messages)
   */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    int lastFour = 0;
    while (lastFour != END_OF_HEAD) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("stream ended inside an HTTP head");
      }
      head.write(b);
      lastFour = (lastFour << 8) | b;
      if (head.size() > MAX_HEAD_BYTES) {
        throw new IOException("HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  /** The value of a header in {@code head}, or null. */
  static String header(String head, String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
        return line.substring(prefix.length()).trim();
      }
    }
    return null;
  }

  /** Reads and discards a request body announced by Content-Length, so none is left unread. */
  static void skipBody(InputStream in, String head) throws IOException {
    String length = header(head, "Content-Length");
    long remaining = length == null ? 0 : Long.parseLong(length);
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("stream ended inside a request body");
        }
        skipped = 1;
      }
      remaining -= skipped;
    }
  }

  /**
   * Sends a GET over a connected socket and reads its response, leaving the socket open.
   *
   * @return the socket's input, positioned after the response
   */
  static InputStream get(Socket socket, InetSocketAddress server) throws IOException {
    writeRequest(
        socket.getOutputStream(), IpAddresses.withPort(server.getAddress(), server.getPort()), "/");
    InputStream in = new BufferedInputStream(socket.getInputStream());
    int status = readResponse(in);
    if (status != 200) {
      throw new IOException("HTTP " + status);
    }
    return in;
  }

  static void writeRequest(OutputStream out, String hostHeader, String path) throws IOException {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + hostHeader
            + "\r\nUser-Agent: timewait-examples\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  static void writeResponse(OutputStream out, byte[] body, boolean close) throws IOException {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length
            + "\r\nConnection: "
            + (close ? "close" : "keep-alive")
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  /**
   * Reads one response and its Content-Length body, and no byte more.
   *
   * @return the status code
   */
  static int readResponse(InputStream in) throws IOException {
    String head = readHead(in);
    if (head == null) {
      throw new EOFException("connection closed before a response");
    }
    String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x response: " + statusLine[0]);
    }
    String length = header(head, "Content-Length");
    if (length == null) {
      throw new IOException("response without Content-Length");
    }
    int bodyLength = Integer.parseInt(length);
    if (in.readNBytes(bodyLength).length != bodyLength) {
      throw new EOFException("connection closed inside a response body");
    }
    return Integer.parseInt(statusLine[1]);
  }
}
