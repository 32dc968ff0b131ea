package dev.timewait.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The child JVM of the testing module's own tests, in the role its first argument names. */
public final class ChildApp {
  private ChildApp() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "listen" -> {
        try (ServerSocket server = new ServerSocket(0)) { // the wildcard: lo may be down
          System.out.println("listening " + server.getLocalPort());
          System.in.read();
        }
      }
      case "echo" -> {
        System.out.println("ready " + System.getProperty("child.greeting"));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("exit")) {
          System.out.println("echoed " + line);
        }
        System.out.println("bye");
      }
      case "write" -> {
        Thread.sleep(200);
        Path file = Path.of(args[1]);
        Path part = Files.writeString(file.resolveSibling(file.getFileName() + ".part"), "written");
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        System.in.read();
      }
      case "fail" -> {
        System.err.println("failing on purpose");
        System.exit(3);
      }
      case "hang" -> Thread.sleep(Long.MAX_VALUE);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }
}
