package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Close-path overhead: loopback connection churn (connect, accept, a small request and reply, the
 * client closes first, the server closes on EOF) in child JVMs without and with the agent (default
 * options: full attribution), alternating A and B each round, both orders. Two set-ups: client and
 * server in one JVM, and the server in a JVM of its own without the agent.
 *
 * <p>{@code run AGENT_JAR [rounds [warm-up seconds [measured seconds]]]} runs the comparison;
 * {@code server} and {@code client TARGETS|same WARM_UP MEASURED} are the child JVMs' roles. Each
 * destination (an address of 127.0.2.x and a port) has its own range of ephemeral ports, and {@code
 * connect()} takes over loopback TIME_WAIT 4-tuples older than a second ({@code tcp_tw_reuse}), so
 * the clients never run short of ports. At some 20,000 connections a second the host's TIME_WAIT
 * table ({@code tcp_max_tw_buckets}) fills up during the run: the kernel then closes further
 * connections without TIME_WAIT, which changes nothing measured here.
 */
public final class ChurnBenchmark {
  private static final int ADDRESSES = 4;
  private static final int PORTS_PER_ADDRESS = 4;
  private static final int CLIENT_THREADS = 2;

  private ChurnBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "run":
        run(
            args[1],
            args.length > 2 ? Integer.parseInt(args[2]) : 5,
            args.length > 3 ? Double.parseDouble(args[3]) : 3.0,
            args.length > 4 ? Double.parseDouble(args[4]) : 3.0);
        break;
      case "server":
        List<ServerSocket> servers = servers();
        System.out.println("targets " + targets(servers));
        System.in.read(); // until the parent closes our stdin or ends us
        break;
      case "client":
        List<ServerSocket> own = args[1].equals("same") ? servers() : List.of();
        String targets = own.isEmpty() ? args[1] : targets(own);
        System.out.println(
            "rate "
                + churn(parse(targets), Double.parseDouble(args[2]), Double.parseDouble(args[3])));
        System.exit(0);
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }

  private static void run(String agentJar, int rounds, double warmUp, double measured)
      throws Exception {
    List<String> withAgent = List.of("-javaagent:" + agentJar);
    String[] seconds = {Double.toString(warmUp), Double.toString(measured)};
    double[][] same = new double[2][rounds];
    double[][] two = new double[2][rounds];
    try (ChildJvm server =
        ChildJvm.builder()
            .mainClass(ChurnBenchmark.class)
            .args("server")
            .inheritStderr()
            .timeout(Duration.ofHours(1))
            .start()) {
      String targets = server.awaitValue("targets");
      for (int round = 0; round < rounds; round++) {
        // A then B in even rounds, B then A in odd ones: neither always runs on a warmer host
        for (int k = 0; k < 2; k++) {
          int variant = (round + k) % 2;
          List<String> options = variant == 0 ? List.of() : withAgent;
          same[variant][round] = client(options, "same", seconds);
          two[variant][round] = client(options, targets, seconds);
        }
        System.out.println(
            ResultLine.format(
                "round %d: same JVM %.0f / %.0f conn/s, two JVMs %.0f / %.0f conn/s",
                round + 1, same[0][round], same[1][round], two[0][round], two[1][round]));
      }
    }
    report("close-path overhead, same JVM", same);
    report("close-path overhead, two JVMs", two);
  }

  private static void report(String what, double[][] rates) {
    int rounds = rates[0].length;
    double[] ratios = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      ratios[i] = rates[1][i] / rates[0][i];
    }
    double ratio = ResultLine.median(ratios);
    ResultLine.print(
        what,
        ResultLine.format("%.0f conn/s", ResultLine.median(rates[0])),
        ResultLine.format("%.0f conn/s", ResultLine.median(rates[1])),
        ResultLine.format("%.3f (B/A, median of %d paired rounds)", ratio, rounds),
        ">= 0.98",
        ResultLine.met(ratio >= 0.98));
  }

  private static double client(List<String> options, String targets, String[] seconds)
      throws Exception {
    try (ChildJvm client =
        ChildJvm.builder()
            .jvmArgs(options)
            .mainClass(ChurnBenchmark.class)
            .args("client", targets, seconds[0], seconds[1])
            .inheritStderr()
            .start()) {
      double rate = Double.parseDouble(client.awaitValue("rate"));
      client.finish(60);
      return rate;
    }
  }

  /**
   * Connections per second from two threads over {@code measured} seconds, after {@code warmUp}
   * seconds in which the JIT compiles the socket paths (and the agent's, when it is there).
   */
  private static double churn(List<InetSocketAddress> targets, double warmUp, double measured)
      throws Exception {
    runClients(targets, System.nanoTime() + (long) (warmUp * 1e9));
    long start = System.nanoTime();
    long connections = runClients(targets, start + (long) (measured * 1e9));
    return connections / ((System.nanoTime() - start) / 1e9);
  }

  /** Runs the clients until the deadline; returns the number of connections made. */
  private static long runClients(List<InetSocketAddress> targets, long deadline) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    LongAdder made = new LongAdder();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CLIENT_THREADS; t++) {
      int first = t;
      Thread thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[8];
                try {
                  for (int k = first; System.nanoTime() < deadline; k += CLIENT_THREADS) {
                    exchange(targets.get(k % targets.size()), buffer);
                    made.increment();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("client failed", failure.get());
    }
    return made.sum();
  }

  private static void exchange(InetSocketAddress target, byte[] buffer) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(target);
      OutputStream out = socket.getOutputStream();
      out.write(buffer);
      out.flush();
      socket.getInputStream().readNBytes(buffer, 0, buffer.length);
    } // we close first: this side keeps TIME_WAIT
  }

  /** Servers on 127.0.2.1 and up, each answering one 8-byte request and closing on EOF. */
  private static List<ServerSocket> servers() throws Exception {
    List<ServerSocket> servers = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(ADDRESSES * PORTS_PER_ADDRESS);
    for (int a = 0; a < ADDRESSES; a++) {
      InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 2, (byte) (1 + a)});
      for (int p = 0; p < PORTS_PER_ADDRESS; p++) {
        ServerSocket server = new ServerSocket(0, 200, address);
        servers.add(server);
        Thread acceptor =
            new Thread(
                () -> {
                  started.countDown();
                  serve(server);
                },
                "churn-server");
        acceptor.setDaemon(true);
        acceptor.start();
      }
    }
    started.await();
    return servers;
  }

  private static void serve(ServerSocket server) {
    byte[] buffer = new byte[8];
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        in.readNBytes(buffer, 0, buffer.length);
        socket.getOutputStream().write(buffer);
        while (in.read(buffer) >= 0) {
          // wait for the client's FIN
        }
      } catch (IOException e) {
        // a client that went away; go on
      }
    }
  }

  private static String targets(List<ServerSocket> servers) {
    List<String> parts = new ArrayList<>();
    for (ServerSocket server : servers) {
      parts.add(server.getInetAddress().getHostAddress() + ":" + server.getLocalPort());
    }
    return String.join(",", parts);
  }

  private static List<InetSocketAddress> parse(String targets) throws Exception {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : targets.split(",")) {
      int colon = part.lastIndexOf(':');
      out.add(
          new InetSocketAddress(
              InetAddress.getByName(part.substring(0, colon)),
              Integer.parseInt(part.substring(colon + 1))));
    }
    return out;
  }
}
