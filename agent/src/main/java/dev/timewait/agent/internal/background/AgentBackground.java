package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.AgentOptions;
import dev.timewait.agent.internal.jmx.AgentMXBean;
import dev.timewait.agent.internal.jmx.ClosesMXBean;
import dev.timewait.agent.internal.jmx.DescribedMBean;
import dev.timewait.agent.internal.jmx.FindingsMXBean;
import dev.timewait.agent.internal.jmx.HostMXBean;
import dev.timewait.core.snapshot.SnapshotWriter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent's one background thread: registers the MBeans (after premain has returned, so that
 * application servers can set up JMX and logging first), and every interval runs the periodic scans
 * and writes the snapshot file. Its failures are counted and never reach the application.
 */
public final class AgentBackground implements Runnable {
  static final String CLOSES_NAME = "dev.timewait:type=Closes";
  static final String AGENT_NAME = "dev.timewait:type=Agent";
  static final String HOST_NAME = "dev.timewait:type=Host";
  public static final String FINDINGS_NAME = "dev.timewait:type=Findings";

  private final AgentOptions options;
  private final SnapshotBuilder snapshot;
  private final AgentErrors errors;
  private final Runnable periodic;
  private final ClosesMXBean closes;
  private final AgentMXBean agent;
  private final HostMXBean host;
  private final FindingsMXBean findings;
  private final long firstDelayMillis;
  private final List<ObjectName> registered = new ArrayList<>();
  private volatile boolean stopped;
  private Thread thread;
  private Thread shutdownHook;

  public AgentBackground(
      AgentOptions options,
      SnapshotBuilder snapshot,
      AgentErrors errors,
      Runnable periodic,
      ClosesMXBean closes,
      AgentMXBean agent,
      HostMXBean host,
      FindingsMXBean findings,
      long firstDelayMillis) {
    this.options = options;
    this.snapshot = snapshot;
    this.errors = errors;
    this.periodic = periodic;
    this.closes = closes;
    this.agent = agent;
    this.host = host;
    this.findings = findings;
    this.firstDelayMillis = firstDelayMillis;
  }

  public void start() {
    thread = new Thread(this, "timewait-agent");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    if (options.snapshot != null) {
      shutdownHook =
          new Thread(
              () -> {
                runPeriodic();
                writeSnapshot();
              },
              "timewait-agent-exit");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Stops the thread, unregisters the MBeans and writes a last snapshot. */
  public void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs anyway
      }
    }
    unregisterMBeans();
    writeSnapshot();
  }

  @Override
  public void run() {
    try {
      if (firstDelayMillis > 0) {
        TimeUnit.MILLISECONDS.sleep(firstDelayMillis);
      }
      if (options.jmx) {
        registerMBeans();
      }
      long interval = options.interval.toMillis();
      while (!stopped) {
        runPeriodic();
        writeSnapshot();
        TimeUnit.MILLISECONDS.sleep(interval);
      }
    } catch (InterruptedException e) {
      // stop() or JVM exit
    } catch (Throwable t) {
      errors.record("background thread", t);
    }
  }

  private void runPeriodic() {
    try {
      periodic.run();
    } catch (Throwable t) {
      errors.record("periodic scan", t);
    }
  }

  private void registerMBeans() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      register(server, CLOSES_NAME, DescribedMBean.of(closes, ClosesMXBean.class));
      register(server, AGENT_NAME, DescribedMBean.of(agent, AgentMXBean.class));
      if (host != null) {
        register(server, HOST_NAME, DescribedMBean.of(host, HostMXBean.class));
      }
      if (findings != null) {
        register(server, FINDINGS_NAME, DescribedMBean.of(findings, FindingsMXBean.class));
      }
    } catch (Throwable t) {
      errors.record("MBean registration", t);
    }
  }

  private synchronized void register(MBeanServer server, String name, Object bean)
      throws Exception {
    ObjectName objectName = new ObjectName(name);
    if (server.isRegistered(objectName)) {
      server.unregisterMBean(objectName);
    }
    server.registerMBean(bean, objectName);
    registered.add(objectName);
  }

  private synchronized void unregisterMBeans() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (ObjectName name : registered) {
        if (server.isRegistered(name)) {
          server.unregisterMBean(name);
        }
      }
    } catch (Throwable t) {
      errors.record("MBean unregistration", t);
    }
    registered.clear();
  }

  private void writeSnapshot() {
    if (options.snapshot == null) {
      return;
    }
    try {
      SnapshotFile.writeAtomically(
          options.snapshot, SnapshotWriter.toJson(snapshot.build(System.currentTimeMillis())));
    } catch (Throwable t) {
      errors.record("snapshot " + options.snapshot, t);
    }
  }
}
