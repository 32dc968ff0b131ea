package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Close-path overhead: a loopback churn (connect, one byte each way, the client closes first, the
 * server closes on EOF) with client and server in one child JVM, without (A) and with (B) the agent
 * at default options (full attribution, host sampling, findings, JMX), A-B in even rounds and B-A
 * in odd ones. One client thread is latency-bound (a request/response client); four on two cores
 * are CPU-bound. Each child warms up (the JIT compiles the socket paths and the agent), then counts
 * connections; the ratio is the median of the per-round B/A.
 *
 * <p>{@code run AGENT_JAR ROUNDS WARM_UP MEASURED THREADS[,THREADS...] [BASELINE_JAR]} prints one
 * row per thread count; with {@code BASELINE_JAR}, A runs with that agent instead of none (an
 * earlier build against this one, side by side); {@code client THREADS WARM_UP MEASURED} is the
 * child. Sixteen servers on 127.0.2.1-4 (four ports each) give every client its own ephemeral
 * ranges, and {@code connect()} takes over loopback TIME_WAIT 4-tuples older than a second ({@code
 * tcp_tw_reuse}), so the clients never run short of ports; at these rates the host's TIME_WAIT
 * table fills up, which changes nothing measured here. The child counts {@code OutOfMemoryError}s
 * of the application's own threads ({@link HostTableBenchmark} runs it with small heaps).
 */
public final class ChurnBenchmark {
  private static final int ADDRESSES = 4;
  private static final int PORTS_PER_ADDRESS = 4;
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private ChurnBenchmark() {}

  /** What one child reported. */
  static final class Outcome {
    final double rate;
    final long applicationOutOfMemory;
    final String failure;
    final String stderr;

    Outcome(double rate, long applicationOutOfMemory, String failure, String stderr) {
      this.rate = rate;
      this.applicationOutOfMemory = applicationOutOfMemory;
      this.failure = failure;
      this.stderr = stderr;
    }

    /** Lines of stderr naming an {@code OutOfMemoryError}, the agent's own lines apart. */
    long outOfMemoryLines(boolean agentLines) {
      return stderr
          .lines()
          .filter(l -> l.contains("OutOfMemoryError"))
          .filter(l -> l.startsWith("timewait:") == agentLines)
          .count();
    }
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "run":
        List<Integer> threads = new ArrayList<>();
        for (String t : args[5].split(",")) {
          threads.add(Integer.parseInt(t));
        }
        run(
            args[1],
            Integer.parseInt(args[2]),
            Double.parseDouble(args[3]),
            Double.parseDouble(args[4]),
            threads,
            args.length > 6 ? args[6] : null);
        break;
      case "client":
        client(Integer.parseInt(args[1]), Double.parseDouble(args[2]), Double.parseDouble(args[3]));
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }

  private static void run(
      String agentJar,
      int rounds,
      double warmUp,
      double measured,
      List<Integer> threadCounts,
      String baselineJar)
      throws Exception {
    List<String> withAgent = List.of("-javaagent:" + agentJar);
    List<String> baseline = baselineJar == null ? List.of() : List.of("-javaagent:" + baselineJar);
    for (int threads : threadCounts) {
      double[][] rates = new double[2][rounds];
      for (int round = 0; round < rounds; round++) {
        for (int k = 0; k < 2; k++) {
          int variant = (round + k) % 2;
          Outcome o = child(variant == 0 ? baseline : withAgent, threads, warmUp, measured);
          if (o.failure != null) {
            throw new IllegalStateException("churn child failed: " + o.failure + "\n" + o.stderr);
          }
          rates[variant][round] = o.rate;
        }
        System.out.println(
            ResultLine.format(
                "%d client thread(s), round %d: %.0f / %.0f conn/s (%.3f)",
                threads,
                round + 1,
                rates[0][round],
                rates[1][round],
                rates[1][round] / rates[0][round]));
      }
      double ratio = medianRatio(rates);
      ResultLine.print(
          ResultLine.format(
              "churn, %d client thread%s, client and server in one JVM%s",
              threads,
              threads == 1 ? "" : "s",
              baselineJar == null ? "" : " (A: the agent " + baselineJar + ")"),
          ResultLine.format("%.0f conn/s", ResultLine.median(rates[0])),
          ResultLine.format("%.0f conn/s", ResultLine.median(rates[1])),
          ResultLine.format("%.3f (B/A, median of %d paired rounds)", ratio, rounds),
          baselineJar == null ? ">= 0.98" : ">= 1 (not slower than A)",
          ResultLine.met(ratio >= (baselineJar == null ? 0.98 : 1.0)));
    }
  }

  static double medianRatio(double[][] rates) {
    double[] ratios = new double[rates[0].length];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = rates[1][i] / rates[0][i];
    }
    return ResultLine.median(ratios);
  }

  /** Runs one child JVM to its end. */
  static Outcome child(List<String> jvmOptions, int threads, double warmUp, double measured)
      throws Exception {
    String rate;
    String oom;
    String failure;
    int exit;
    String err;
    try (ChildJvm client =
        ChildJvm.builder()
            .jvmArgs(jvmOptions)
            .mainClass(ChurnBenchmark.class)
            .args(
                "client",
                Integer.toString(threads),
                Double.toString(warmUp),
                Double.toString(measured))
            .timeout(Duration.ofMinutes(10))
            .start()) {
      try {
        rate = client.awaitValue("rate");
        oom = client.awaitValue("oom");
        failure = client.awaitValue("failure");
      } catch (IOException e) {
        rate = "0";
        oom = "0";
        failure = "ended early: " + e.getMessage();
      }
      exit = client.waitFor(600);
      err = client.stderr();
    }
    if (exit != 0 && failure.equals("none")) {
      failure = "exit " + exit;
    }
    return new Outcome(
        Double.parseDouble(rate),
        Long.parseLong(oom),
        failure.equals("none") ? null : failure,
        err);
  }

  /** The child: own servers, {@code threads} clients; prints rate, OOM count and failure. */
  private static void client(int threads, double warmUp, double measured) throws Exception {
    AtomicLong outOfMemory = new AtomicLong();
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (e instanceof OutOfMemoryError) {
            outOfMemory.incrementAndGet();
          }
        });
    List<InetSocketAddress> targets = targets(servers());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    runClients(targets, threads, System.nanoTime() + (long) (warmUp * 1e9), outOfMemory, failure);
    long start = System.nanoTime();
    long made = runClients(targets, threads, start + (long) (measured * 1e9), outOfMemory, failure);
    double rate = made / ((System.nanoTime() - start) / 1e9);
    System.out.println("rate " + rate);
    System.out.println("oom " + outOfMemory.get());
    Throwable f = failure.get();
    System.out.println("failure " + (f == null ? "none" : f.toString().replace('\n', ' ')));
    System.out.flush();
    System.exit(0);
  }

  /**
   * Runs the clients until the deadline; returns the number of connections made. A client thread
   * that meets {@code OutOfMemoryError} ends, as it would in an application, and is counted.
   */
  private static long runClients(
      List<InetSocketAddress> targets,
      int threads,
      long deadline,
      AtomicLong outOfMemory,
      AtomicReference<Throwable> failure)
      throws InterruptedException {
    LongAdder made = new LongAdder();
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int k = first; System.nanoTime() < deadline; k += threads) {
                    exchange(targets.get(k % targets.size()));
                    made.increment();
                  }
                } catch (OutOfMemoryError e) {
                  outOfMemory.incrementAndGet();
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "churn-client-" + t);
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    return made.sum();
  }

  private static void exchange(InetSocketAddress target) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(target);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS); // a server thread that died must not hang us
      socket.getOutputStream().write(1);
      if (socket.getInputStream().read() < 0) {
        throw new IOException("the server closed without answering");
      }
    } // we close first: this side keeps TIME_WAIT
  }

  /** Servers on 127.0.2.1 and up, each answering one byte and closing on EOF. */
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
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        InputStream in = socket.getInputStream();
        int b = in.read();
        socket.getOutputStream().write(b);
        while (in.read() >= 0) {
          // wait for the client's FIN
        }
      } catch (IOException e) {
        // a client that went away; go on
      }
    }
  }

  private static List<InetSocketAddress> targets(List<ServerSocket> servers) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (ServerSocket server : servers) {
      out.add(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()));
    }
    return out;
  }
}
