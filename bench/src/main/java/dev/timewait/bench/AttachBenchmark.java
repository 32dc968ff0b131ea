package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Attach: a JVM making a steady trickle of client-first closes (one every 5 ms); {@code timewait
 * attach PID} is run against it, and the target itself watches its platform MBean server for {@code
 * dev.timewait:type=Closes} {@code ActiveCloses > 0}. The figure is the wall time from starting the
 * command to that moment (both on this host's clock), median of several runs.
 *
 * <p>{@code run CLI_JAR [runs]} runs the comparison; {@code target} is the child's role.
 */
public final class AttachBenchmark {
  private static final String CLOSES = "dev.timewait:type=Closes";

  private AttachBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("target")) {
      target();
      return;
    }
    String cli = args[1];
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<String> options = new ArrayList<>();
    if (Runtime.version().feature() >= 21) {
      options.add("-XX:+EnableDynamicAgentLoading");
    }
    double[] seconds = new double[runs];
    double[] commandSeconds = new double[runs];
    for (int run = 0; run < runs; run++) {
      try (ChildJvm target =
          ChildJvm.builder()
              .jvmArgs(options)
              .mainClass(AttachBenchmark.class)
              .args("target")
              .inheritStderr()
              .start()) {
        target.awaitValue("ready");
        Thread.sleep(500); // let the trickle settle
        long start = System.currentTimeMillis();
        Process attach =
            new ProcessBuilder(
                    Jdk.current().java().toString(),
                    "-jar",
                    cli,
                    "attach",
                    Long.toString(target.pid()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long counted = Long.parseLong(target.awaitValue("counted"));
        int exit = attach.waitFor();
        long ended = System.currentTimeMillis();
        if (exit != 0) {
          throw new IllegalStateException("timewait attach exited with " + exit);
        }
        seconds[run] = (counted - start) / 1000.0;
        commandSeconds[run] = (ended - start) / 1000.0;
        System.out.println(
            ResultLine.format(
                "run %d: first close counted after %.2f s; the command ended after %.2f s",
                run + 1, seconds[run], commandSeconds[run]));
      }
    }
    double median = ResultLine.median(seconds);
    ResultLine.print(
        "attach: timewait attach PID until the first close is counted",
        "-",
        ResultLine.format(
            "%.2f s (command ends %.2f s)", median, ResultLine.median(commandSeconds)),
        ResultLine.format("%.2f s (median of %d)", median, runs),
        "<= 1 s",
        ResultLine.met(median <= 1.0));
  }

  /** Trickles closes and prints the wall time at which the agent's MBean first counts one. */
  private static void target() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    ServerSocket server = new ServerSocket(0, 50, loopback);
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try (Socket s = server.accept()) {
                  s.getInputStream().read(); // until the client's FIN
                } catch (Exception e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    Thread trickle =
        new Thread(
            () -> {
              while (true) {
                try (Socket s = new Socket(loopback, server.getLocalPort())) {
                  Thread.sleep(5);
                } catch (Exception e) {
                  return;
                }
              }
            });
    trickle.setDaemon(true);
    trickle.start();
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    ObjectName closes = new ObjectName(CLOSES);
    System.out.println("ready " + ProcessHandle.current().pid());
    while (true) {
      if (beans.isRegistered(closes)
          && ((Number) beans.getAttribute(closes, "ActiveCloses")).longValue() > 0) {
        System.out.println("counted " + System.currentTimeMillis());
        System.out.flush();
        Thread.sleep(5000); // let the command finish talking to us
        return;
      }
      Thread.sleep(2);
    }
  }
}
