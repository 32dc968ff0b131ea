package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A client JVM that holds one connection to {@code 127.0.0.1:port} open, opens and closes {@code
 * count} more, closing first, prints {@code done} and waits for a line on stdin: its TIME_WAIT
 * sockets sit in its own network namespace, beside the connection that names it as their owner.
 */
public final class OwnersChurnClient {

  private OwnersChurnClient() {}

  /**
   * Writes the Python twin of this client ({@code churn.py}: {@code server PORT} or {@code client
   * PORT COUNT}) into {@code dir}; its path.
   */
  public static Path pythonScript(Path dir) throws IOException {
    Path script = dir.resolve("churn.py");
    try (InputStream in = OwnersChurnClient.class.getResourceAsStream("/owners/churn.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    return script;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    Socket kept = new Socket();
    kept.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.getOutputStream().write('x');
      socket.close();
    }
    System.out.println("done");
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    kept.close();
  }
}
