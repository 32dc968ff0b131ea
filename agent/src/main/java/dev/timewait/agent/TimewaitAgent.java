package dev.timewait.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.jar.JarFile;

/**
 * Entry point named in the agent jar's manifest. It stays tiny on purpose: it puts the bridge
 * package on the boot class path, loads the agent's internals from the jar's {@code inst/} folder
 * in a class loader of their own, and hands over. The host application never sees Byte Buddy or any
 * other library of the agent.
 */
public final class TimewaitAgent {
  private static final String INJECTOR = "dev.timewait.agent.internal.BootstrapInjector";
  private static final String INSTALLER = "dev.timewait.agent.internal.AgentInstaller";

  private TimewaitAgent() {}

  /** Called for {@code -javaagent:timewait-agent.jar=OPTIONS}. */
  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  /** Called when the agent is attached to a running JVM. */
  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  private static void start(String args, Instrumentation inst, boolean attached) {
    try {
      File jar =
          new File(TimewaitAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      ClassLoader internals = InternalsHolder.get(jar, inst);
      Class.forName(INJECTOR, true, internals)
          .getMethod("inject", Instrumentation.class)
          .invoke(null, inst);
      Class<?> installer = Class.forName(INSTALLER, true, internals);
      Method install =
          installer.getMethod(
              "install", Instrumentation.class, String.class, boolean.class, File.class);
      install.invoke(null, inst, args, attached, jar);
    } catch (Throwable t) {
      // Never fail the host application: one line, and the agent stays off.
      System.err.println("timewait: agent not started: " + t);
    }
  }

  /** One isolated loader per JVM, however often the agent is attached. */
  private static final class InternalsHolder {
    private static ClassLoader loader;

    static synchronized ClassLoader get(File jar, Instrumentation inst) throws Exception {
      if (loader == null) {
        loader = new AgentClassLoader(new JarFile(jar), jar);
      }
      return loader;
    }
  }
}
