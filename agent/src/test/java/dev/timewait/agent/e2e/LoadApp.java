package dev.timewait.agent.e2e;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;

/**
 * {@code LoadApp THREADS CONNECTIONS [reset|client-first]}: each thread makes CONNECTIONS loopback
 * connections to a listener of its own on {@code 127.0.0.(thread+2)}. With {@code reset} (the
 * default) the server reads one byte and closes with {@code SO_LINGER} 0 (RST, so the run leaves no
 * TIME_WAIT behind); the client then reads the reset and closes. With {@code client-first} the
 * client writes one byte and closes first, and the server closes on its EOF: every connection
 * leaves one TIME_WAIT socket, on the client's side. Prints {@code loaded ...} with what the
 * application saw.
 */
public final class LoadApp {
  private LoadApp() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    boolean clientFirst = args.length > 2 && args[2].equals("client-first");
    AtomicLong clientCloses = new AtomicLong();
    AtomicLong serverCloses = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    List<ServerSocket> listeners = new ArrayList<>();
    long started = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      ServerSocket listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (t + 2)), 0), 512);
      listeners.add(listener);
      all.add(
          new Thread(
              () -> serve(listener, connections, clientFirst, serverCloses, failures),
              "server-" + t));
      all.add(
          new Thread(
              () -> connect(listener, connections, clientFirst, clientCloses, failures),
              "client-" + t));
    }
    for (Thread t : all) {
      t.start();
    }
    for (Thread t : all) {
      t.join();
    }
    for (ServerSocket listener : listeners) {
      listener.close();
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    Object errors =
        ManagementFactory.getPlatformMBeanServer()
            .getAttribute(new ObjectName("dev.timewait:type=Agent"), "ErrorCount");
    System.out.println(
        "loaded client "
            + clientCloses
            + " server "
            + serverCloses
            + " failures "
            + failures
            + " errors "
            + errors
            + " millis "
            + millis);
  }

  private static void serve(
      ServerSocket listener, int n, boolean clientFirst, AtomicLong closes, AtomicLong failures) {
    for (int i = 0; i < n; i++) {
      try (Socket s = listener.accept()) {
        s.getInputStream().read();
        if (clientFirst) {
          s.getInputStream().read(); // the client's FIN: this end closes second
        } else {
          s.setSoLinger(true, 0);
        }
        closes.incrementAndGet();
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }

  private static void connect(
      ServerSocket listener, int n, boolean clientFirst, AtomicLong closes, AtomicLong failures) {
    for (int i = 0; i < n; i++) {
      try (Socket s = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
        s.getOutputStream().write(1);
        if (clientFirst) {
          closes.incrementAndGet();
          continue;
        }
        InputStream in = s.getInputStream();
        try {
          in.read();
        } catch (java.net.SocketException reset) {
          // the server's RST
        }
        closes.incrementAndGet();
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }
}
