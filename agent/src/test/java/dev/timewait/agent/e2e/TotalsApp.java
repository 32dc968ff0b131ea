package dev.timewait.agent.e2e;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code TotalsApp THREADS CONNECTIONS}: each thread makes CONNECTIONS loopback connections to a
 * listener of its own on {@code 127.0.0.(thread+2)}. The client writes one byte and closes first;
 * the server reads the byte, then its EOF, and closes: every connection leaves exactly one
 * TIME_WAIT socket, on the client side. Prints {@code done client N server N failures N}.
 */
public final class TotalsApp {
  private TotalsApp() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    int connections = Integer.parseInt(args[1]);
    AtomicLong clientCloses = new AtomicLong();
    AtomicLong serverCloses = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    List<Thread> all = new ArrayList<>();
    List<ServerSocket> listeners = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ServerSocket listener = new ServerSocket();
      listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (t + 2)), 0), 512);
      listeners.add(listener);
      all.add(new Thread(() -> serve(listener, connections, serverCloses, failures)));
      all.add(new Thread(() -> connect(listener, connections, clientCloses, failures)));
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
    System.out.println(
        "done client " + clientCloses + " server " + serverCloses + " failures " + failures);
  }

  private static void serve(ServerSocket listener, int n, AtomicLong closes, AtomicLong failures) {
    for (int i = 0; i < n; i++) {
      try (Socket s = listener.accept()) {
        InputStream in = s.getInputStream();
        in.read();
        in.read(); // the client's FIN: this end closes second
        closes.incrementAndGet();
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }

  private static void connect(
      ServerSocket listener, int n, AtomicLong closes, AtomicLong failures) {
    for (int i = 0; i < n; i++) {
      try (Socket s = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
        s.getOutputStream().write(1);
        closes.incrementAndGet();
      } catch (Exception e) {
        failures.incrementAndGet();
      }
    }
  }
}
