package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.AgentOptions;
import dev.timewait.agent.internal.FlightRecorderSupport;
import dev.timewait.agent.internal.jmx.AgentMXBean;
import dev.timewait.agent.internal.jmx.ClosesMXBean;
import dev.timewait.agent.internal.jmx.DescribedMBean;
import dev.timewait.agent.internal.jmx.FindingsMXBean;
import dev.timewait.agent.internal.jmx.HostMXBean;
import dev.timewait.agent.internal.jmx.SiteBeans;
import dev.timewait.core.snapshot.SnapshotWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The agent's one background thread. After {@code jmxDelay} (so that application servers can set up
 * JMX and logging first, and the application's start-up does not share the CPU with the agent) it
 * builds what it serves, starts the host sampler, listens for memory pressure and registers the
 * MBeans; then every interval it runs the periodic scans and writes the snapshot file, and in
 * between answers the snapshot requests of {@code timewait}. Its failures are counted and never
 * reach the application.
 */
public final class AgentBackground implements Runnable {
  static final String CLOSES_NAME = "dev.timewait:type=Closes";
  static final String AGENT_NAME = "dev.timewait:type=Agent";
  static final String HOST_NAME = "dev.timewait:type=Host";
  public static final String FINDINGS_NAME = "dev.timewait:type=Findings";

  /** How often the thread looks for snapshot requests: the longest a command waits. */
  static final long REQUEST_POLL_MILLIS = 200;

  /** What the thread serves: built on first use, off premain. */
  public static final class Parts {
    final SnapshotBuilder snapshot;
    final Runnable periodic;
    final ClosesMXBean closes;
    final AgentMXBean agent;
    final HostMonitor host;
    final HostMXBean hostBean;
    final FindingsMXBean findings;
    final SiteBeans siteBeans;
    final Runnable releaseMemory;

    /**
     * @param host null when host sampling is off; then {@code hostBean} is null too
     * @param findings null when JMX is off
     * @param siteBeans the per-site beans, registered as rows appear; null when JMX is off
     * @param releaseMemory gives the agent's largest tables back when the heap is short
     */
    public Parts(
        SnapshotBuilder snapshot,
        Runnable periodic,
        ClosesMXBean closes,
        AgentMXBean agent,
        HostMonitor host,
        HostMXBean hostBean,
        FindingsMXBean findings,
        SiteBeans siteBeans,
        Runnable releaseMemory) {
      this.snapshot = snapshot;
      this.periodic = periodic;
      this.closes = closes;
      this.agent = agent;
      this.host = host;
      this.hostBean = hostBean;
      this.findings = findings;
      this.siteBeans = siteBeans;
      this.releaseMemory = releaseMemory;
    }
  }

  private final AgentOptions options;
  private final AgentErrors errors;
  private final Supplier<Parts> factory;
  private final long firstDelayMillis;
  private final List<ObjectName> registered = new ArrayList<>();
  private Parts parts;
  private MemoryPressure pressure;
  private volatile boolean stopped;
  private SnapshotRequests requests;
  private Thread thread;
  private Thread shutdownHook;

  public AgentBackground(
      AgentOptions options, AgentErrors errors, Supplier<Parts> factory, long firstDelayMillis) {
    this.options = options;
    this.errors = errors;
    this.factory = factory;
    this.firstDelayMillis = firstDelayMillis;
  }

  public void start() {
    try {
      requests = SnapshotRequests.open(Path.of(System.getProperty("java.io.tmpdir", "/tmp")));
    } catch (IOException | RuntimeException e) {
      System.err.println("timewait: the agent cannot be asked for its snapshot: " + e);
    }
    thread = new Thread(this, "timewait-agent");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
    thread.start();
    if (options.snapshot != null || requests != null) {
      shutdownHook = new Thread(this::atExit, "timewait-agent-exit");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Stops the threads, unregisters the MBeans and writes a last snapshot. */
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
    Parts p = existingParts();
    if (p != null && p.host != null) {
      p.host.stop();
    }
    synchronized (this) {
      if (pressure != null) {
        pressure.stop();
        pressure = null;
      }
    }
    unregisterMBeans();
    writeSnapshot(p);
    if (requests != null) {
      requests.close();
    }
  }

  /** The folder where commands ask for the snapshot, or null when there is none. */
  public Path requestFolder() {
    return requests == null ? null : requests.folder();
  }

  @Override
  public void run() {
    try {
      if (firstDelayMillis > 0) {
        sleepAnswering(firstDelayMillis);
      }
      registerFlightRecorderEvents();
      Parts p = parts();
      if (p.host != null) {
        p.host.start(0);
      }
      listenForMemoryPressure(p);
      if (options.jmx) {
        registerMBeans(p);
      }
      long interval = options.interval.toMillis();
      while (!stopped) {
        runPeriodic(p);
        if (options.jmx) {
          registerSiteBeans(p);
        }
        writeSnapshot(p);
        sleepAnswering(interval);
      }
    } catch (InterruptedException e) {
      // stop() or JVM exit
    } catch (Throwable t) {
      errors.record("background thread", t);
    }
  }

  private void registerFlightRecorderEvents() {
    try {
      FlightRecorderSupport.register();
    } catch (Throwable t) {
      errors.record("Flight Recorder events", t);
    }
  }

  /** The parts, built now if the thread has not yet (a JVM that ends within {@code jmxDelay}). */
  private synchronized Parts parts() {
    if (parts == null) {
      parts = factory.get();
    }
    return parts;
  }

  private synchronized Parts existingParts() {
    return parts;
  }

  /** The JVM exits: no more requests are answered, and the snapshot file gets its last state. */
  private void atExit() {
    if (requests != null) {
      requests.close();
    }
    if (options.snapshot == null) {
      return;
    }
    try {
      Parts p = parts();
      if (p.host != null) {
        p.host.lookForLateResets();
      }
      runPeriodic(p);
      writeSnapshot(p);
    } catch (Throwable t) {
      errors.record("snapshot at exit", t);
    }
  }

  private synchronized void listenForMemoryPressure(Parts p) {
    if (!stopped) {
      pressure = MemoryPressure.listen(p.releaseMemory, errors);
    }
  }

  private void runPeriodic(Parts p) {
    try {
      p.periodic.run();
    } catch (Throwable t) {
      errors.record("periodic scan", t);
    }
  }

  private void registerMBeans(Parts p) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      register(server, CLOSES_NAME, DescribedMBean.of(p.closes, ClosesMXBean.class));
      register(server, AGENT_NAME, DescribedMBean.of(p.agent, AgentMXBean.class));
      if (p.hostBean != null) {
        register(server, HOST_NAME, DescribedMBean.of(p.hostBean, HostMXBean.class));
      }
      if (p.findings != null) {
        register(server, FINDINGS_NAME, DescribedMBean.of(p.findings, FindingsMXBean.class));
      }
    } catch (Throwable t) {
      errors.record("MBean registration", t);
    }
  }

  /** A bean for each code site row that appeared since the last round (up to a cap). */
  private void registerSiteBeans(Parts p) {
    if (p.siteBeans == null) {
      return;
    }
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      p.siteBeans.registerNew((name, bean) -> register(server, name, bean));
    } catch (Throwable t) {
      errors.record("site MBean registration", t);
    }
  }

  private synchronized void register(MBeanServer server, String name, Object bean)
      throws Exception {
    if (stopped) {
      return;
    }
    ObjectName objectName = new ObjectName(name);
    if (server.isRegistered(objectName)) {
      server.unregisterMBean(objectName);
    }
    server.registerMBean(bean, objectName);
    registered.add(objectName);
  }

  private synchronized void unregisterMBeans() {
    if (registered.isEmpty()) {
      return;
    }
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

  /** Sleeps for {@code millis}, answering snapshot requests in between. */
  private void sleepAnswering(long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    while (!stopped) {
      answerRequests();
      long left = (end - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(Math.min(left, REQUEST_POLL_MILLIS));
    }
  }

  private void answerRequests() {
    if (requests == null) {
      return;
    }
    try {
      requests.answer(
          () -> SnapshotWriter.toJson(parts().snapshot.build(System.currentTimeMillis())));
    } catch (Throwable t) {
      errors.record("snapshot request", t);
    }
  }

  private void writeSnapshot(Parts p) {
    if (options.snapshot == null || p == null) {
      return;
    }
    try {
      SnapshotFile.writeAtomically(
          options.snapshot, SnapshotWriter.toJson(p.snapshot.build(System.currentTimeMillis())));
    } catch (Throwable t) {
      errors.record("snapshot " + options.snapshot, t);
    }
  }
}
