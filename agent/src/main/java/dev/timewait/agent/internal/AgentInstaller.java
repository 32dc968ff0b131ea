package dev.timewait.agent.internal;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.internal.background.AgentBackground;
import dev.timewait.agent.internal.background.CloseWaitTracker;
import dev.timewait.agent.internal.background.HostMonitor;
import dev.timewait.agent.internal.background.SnapshotBuilder;
import dev.timewait.agent.internal.hook.LazyJdkSockets;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.hook.SiteResolver;
import dev.timewait.agent.internal.hook.SocketEventHandler;
import dev.timewait.agent.internal.instrumentation.AdviceTransformer;
import dev.timewait.agent.internal.instrumentation.JdkInstrumentation;
import dev.timewait.agent.internal.instrumentation.LibraryInstrumentation;
import dev.timewait.agent.internal.jmx.AgentBean;
import dev.timewait.agent.internal.jmx.AgentMXBean;
import dev.timewait.agent.internal.jmx.ClosesBean;
import dev.timewait.agent.internal.jmx.ClosesMXBean;
import dev.timewait.agent.internal.jmx.FindingsBean;
import dev.timewait.agent.internal.jmx.HostBean;
import dev.timewait.agent.internal.jmx.HostMXBean;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts the agent inside its isolated class loader: parses the options, opens the JDK internals it
 * reads, installs the advice (retransforming JDK classes already loaded), and starts the background
 * thread. Any failure prints one line and leaves the agent off; the application runs on.
 */
public final class AgentInstaller {
  private static Running running;

  private AgentInstaller() {}

  /** Called reflectively by {@code TimewaitAgent}. {@code args} "detach" removes the agent. */
  public static synchronized void install(
      Instrumentation inst, String args, boolean attached, File jar) {
    if ("detach".equals(args)) {
      detach(inst);
      return;
    }
    if (running != null || CloseBridge.installed()) {
      System.err.println("timewait: agent already running in this JVM; ignoring the new start");
      return;
    }
    AgentOptions options;
    try {
      options = AgentOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("timewait: " + e.getMessage() + "; agent disabled");
      return;
    }
    try {
      running = start(inst, options, attached);
    } catch (Throwable t) {
      CloseBridge.uninstall();
      System.err.println("timewait: agent disabled: " + t);
    }
  }

  private static Running start(Instrumentation inst, AgentOptions options, boolean attached)
      throws Exception {
    openJdkInternals(inst);
    // InetAddress's static initializer loads libnet under the JDK's native-library lock. Run it
    // here, before the application's main: started later by the agent's threads, it can deadlock
    // with an application thread that holds that lock while a native library's JNI_OnLoad
    // initializes a class needing InetAddress (Netty's io_uring does).
    InetAddress.getLoopbackAddress();
    LazyJdkSockets sockets = new LazyJdkSockets();
    AgentErrors errors = new AgentErrors();
    Faults faults = Faults.fromSystemProperty();
    CloseRecorder recorder =
        faults.recorder(options.maxSites, options.maxEndpoints, options.recentCloses);
    SiteResolver resolver =
        new SiteResolver(
            options.exclude,
            options.appPackages,
            options.stackDepth,
            options.maxSites * 4,
            AgentInstaller.class.getClassLoader());
    OpenConnections connections = new OpenConnections();
    SocketEventHandler handler =
        new SocketEventHandler(sockets, resolver, recorder, connections, errors);
    handler.internalServerPorts(ExporterPorts.ofThisProcess());
    CloseWaitTracker closeWait =
        new CloseWaitTracker(connections, sockets, options.closeWaitAfter.toMillis());
    AgentInfo info = new AgentInfo();
    HostMonitor host =
        options.host
            ? new HostMonitor(
                faults.sampler(HostCollector.forRoot(HostRoot.of(options.hostRoot))),
                recorder,
                errors,
                options.hostInterval.toMillis(),
                options.tableInterval.toMillis())
            : null;
    SnapshotBuilder snapshot = new SnapshotBuilder(recorder, closeWait, info, host);

    List<JdkInstrumentation> instrumentations = JdkInstrumentation.all();
    List<LibraryInstrumentation> libraries = LibraryInstrumentation.all();
    List<String> paths = new ArrayList<>();
    for (JdkInstrumentation i : instrumentations) {
      paths.add(i.description());
    }
    for (LibraryInstrumentation i : libraries) {
      paths.add(i.description());
    }
    CloseBridge.install(handler);
    AdviceTransformer transformer =
        new AdviceTransformer(instrumentations, libraries, errors, inst);
    transformer.install();

    FindingsBean findings =
        options.jmx
            ? new FindingsBean(snapshot, host, options.thresholds, AgentBackground.FINDINGS_NAME)
            : null;
    AgentBackground background =
        new AgentBackground(
            options,
            snapshot,
            errors,
            faults.periodic(
                () -> {
                  long now = System.currentTimeMillis();
                  closeWait.scan(now);
                  refresh(findings, now, errors);
                }),
            faults.bean(ClosesMXBean.class, new ClosesBean(recorder, handler, closeWait), errors),
            faults.bean(
                AgentMXBean.class,
                new AgentBean(info, options, paths, recorder, errors, snapshot),
                errors),
            host == null ? null : faults.bean(HostMXBean.class, new HostBean(host), errors),
            findings,
            attached ? 0 : options.jmxDelay.toMillis());
    background.start();
    if (host != null) {
      host.start(attached ? 0 : options.jmxDelay.toMillis());
    }
    return new Running(transformer, background, host);
  }

  /** A failing rule run is counted; the scan and the snapshot go on. */
  private static void refresh(FindingsBean findings, long now, AgentErrors errors) {
    if (findings == null) {
      return;
    }
    try {
      findings.refresh(now);
    } catch (Throwable t) {
      errors.record("findings", t);
    }
  }

  /**
   * java.base must read the bridge (on the boot class path, in the boot loader's unnamed module),
   * and the agent must read the JDK's socket internals.
   */
  private static void openJdkInternals(Instrumentation inst) {
    Module javaBase = Object.class.getModule();
    Module bridge = CloseBridge.class.getModule();
    Module self = AgentInstaller.class.getModule();
    Map<String, Set<Module>> opens =
        Map.of("sun.nio.ch", Set.of(self), "java.net", Set.of(self), "java.io", Set.of(self));
    inst.redefineModule(javaBase, Set.of(bridge), Map.of(), opens, Set.of(), Map.of());
    ModuleLayer.boot()
        .findModule("java.net.http")
        .ifPresent(
            http ->
                inst.redefineModule(
                    http,
                    Set.of(bridge),
                    Map.of(),
                    Map.of("jdk.internal.net.http", Set.of(self)),
                    Set.of(),
                    Map.of()));
  }

  private static void detach(Instrumentation inst) {
    Running current = running;
    if (current == null) {
      System.err.println("timewait: agent is not running in this JVM; nothing to detach");
      return;
    }
    running = null;
    CloseBridge.uninstall();
    current.transformer.uninstall();
    current.background.stop();
    if (current.host != null) {
      current.host.stop();
    }
  }

  private static final class Running {
    final AdviceTransformer transformer;
    final AgentBackground background;
    final HostMonitor host;

    Running(AdviceTransformer transformer, AgentBackground background, HostMonitor host) {
      this.transformer = transformer;
      this.background = background;
      this.host = host;
    }
  }
}
