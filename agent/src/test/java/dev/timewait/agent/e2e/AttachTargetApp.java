package dev.timewait.agent.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * A JVM for the attach tests: a loopback server of its own, and on {@code closes N} that many
 * client connections to it, closed by the client first (active closes), then {@code done N}. With
 * the argument {@code exit-after-read} it exits once a command has read its agent's snapshot: the
 * agent's request folder changed and is empty again.
 */
public final class AttachTargetApp {

  private AttachTargetApp() {}

  public static void main(String[] args) throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepting =
        new Thread(
            () -> {
              while (true) {
                try (Socket accepted = server.accept()) {
                  while (accepted.getInputStream().read() != -1) {
                    // until the client's FIN: the client closes first
                  }
                } catch (IOException e) {
                  return;
                }
              }
            });
    accepting.setDaemon(true);
    accepting.start();
    if (args.length > 0 && args[0].equals("exit-after-read")) {
      Thread watching = new Thread(AttachTargetApp::exitAfterRead);
      watching.setDaemon(true);
      watching.start();
    }
    System.out.println("ready " + ProcessHandle.current().pid());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("closes ")) {
        int n = Integer.parseInt(line.substring(7));
        for (int i = 0; i < n; i++) {
          try (Socket client = new Socket(server.getInetAddress(), server.getLocalPort())) {
            client.getOutputStream().write(1);
          }
        }
        System.out.println("done " + n);
      } else if (line.equals("exit")) {
        return;
      }
    }
  }

  private static void exitAfterRead() {
    try {
      Path folder = null;
      while (folder == null) {
        folder = requestFolder();
        Thread.sleep(10);
      }
      FileTime before = Files.getLastModifiedTime(folder);
      while (Files.getLastModifiedTime(folder).equals(before) || !isEmpty(folder)) {
        Thread.sleep(10);
      }
      System.exit(0);
    } catch (IOException | InterruptedException e) {
      System.err.println("exit-after-read: " + e);
    }
  }

  private static Path requestFolder() throws IOException {
    String prefix = ".timewait-" + ProcessHandle.current().pid() + "-";
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")), prefix + "*")) {
      for (Path entry : entries) {
        return entry;
      }
    }
    return null;
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      return !entries.iterator().hasNext();
    }
  }
}
