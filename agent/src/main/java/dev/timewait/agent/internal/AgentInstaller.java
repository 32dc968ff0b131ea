package dev.timewait.agent.internal;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.internal.background.AgentBackground;
import dev.timewait.agent.internal.hook.IdleTimes;
import dev.timewait.agent.internal.hook.LazyJdkSockets;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.hook.SiteResolver;
import dev.timewait.agent.internal.hook.SiteSampling;
import dev.timewait.agent.internal.hook.SocketEventHandler;
import dev.timewait.agent.internal.instrumentation.AdviceTransformer;
import dev.timewait.agent.internal.instrumentation.JdkInstrumentation;
import dev.timewait.agent.internal.instrumentation.LibraryInstrumentation;
import dev.timewait.agent.internal.record.CloseRecorder;
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
      return;
    }
    AgentPresence.announce(options, jar, running.background.requestFolder());
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
        new SocketEventHandler(
            sockets,
            resolver,
            new SiteSampling(options.siteRate, System::nanoTime),
            recorder,
            connections,
            new IdleTimes(sockets, AgentInstaller.class.getClassLoader()),
            errors);
    handler.internalServerPorts(ExporterPorts.ofThisProcess());
    AgentInfo info = new AgentInfo();

    List<JdkInstrumentation> instrumentations = JdkInstrumentation.all();
    List<LibraryInstrumentation> libraries = LibraryInstrumentation.all();
    List<String> paths = new ArrayList<>();
    for (JdkInstrumentation i : instrumentations) {
      paths.add(i.description());
    }
    for (LibraryInstrumentation i : libraries) {
      paths.add(i.description());
    }
    if (FlightRecorderSupport.AVAILABLE && FlightRecorderSupport.recordingAtStart()) {
      try {
        FlightRecorderSupport.register(); // a recording from the start sees the first closes
      } catch (Throwable t) {
        errors.record("Flight Recorder events", t);
      }
    }
    CloseBridge.install(handler);
    AdviceTransformer transformer =
        new AdviceTransformer(instrumentations, libraries, errors, inst);
    transformer.install();

    // Everything else is made on the background thread after jmxDelay, by a class of its own, so
    // that premain neither loads nor verifies what it needs.
    AgentBackground background =
        new AgentBackground(
            options,
            errors,
            new BackgroundParts(
                options, faults, errors, recorder, handler, connections, sockets, info, paths),
            attached ? 0 : options.jmxDelay.toMillis());
    background.start();
    return new Running(transformer, background);
  }

  /**
   * java.base must read the bridge (on the boot class path, in the boot loader's unnamed module),
   * and the agent must read the JDK's socket internals.
   */
  private static void openJdkInternals(Instrumentation inst) {
    Module javaBase = Object.class.getModule();
    Module bridge = CloseBridge.class.getModule();
    Module self = AgentInstaller.class.getModule();
    // java.lang: for IdleTimes' grant of native access to the agent's own native module
    Map<String, Set<Module>> opens =
        Map.of(
            "sun.nio.ch",
            Set.of(self),
            "java.net",
            Set.of(self),
            "java.io",
            Set.of(self),
            "java.lang",
            Set.of(self));
    Map<String, Set<Module>> exports = Map.of(AgentPresence.PACKAGE, Set.of(self));
    inst.redefineModule(javaBase, Set.of(bridge), exports, opens, Set.of(), Map.of());
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
    AgentPresence.withdraw();
    CloseBridge.uninstall();
    current.transformer.uninstall();
    current.background.stop();
  }

  private static final class Running {
    final AdviceTransformer transformer;
    final AgentBackground background;

    Running(AdviceTransformer transformer, AgentBackground background) {
      this.transformer = transformer;
      this.background = background;
    }
  }
}
