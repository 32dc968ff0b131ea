package dev.timewait.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Defines the bridge classes ({@code dev.timewait.agent.bootstrap}) in the boot class loader, where
 * the instrumented {@code java.base} code can see them. Defining them directly, rather than
 * appending a jar to the boot class path, keeps class data sharing on for the application and keeps
 * every other agent class out of the boot loader.
 */
public final class BootstrapInjector {
  static final List<String> BRIDGE_CLASSES =
      List.of("dev.timewait.agent.bootstrap.CloseSink", "dev.timewait.agent.bootstrap.CloseBridge");

  private BootstrapInjector() {}

  /** Called reflectively by {@code TimewaitAgent} before anything refers to the bridge. */
  public static void inject(Instrumentation inst) throws Exception {
    Module self = BootstrapInjector.class.getModule();
    inst.redefineModule(
        Object.class.getModule(),
        Set.of(),
        Map.of("jdk.internal.misc", Set.of(self)),
        Map.of(),
        Set.of(),
        Map.of());
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    Method define =
        unsafeType.getMethod(
            "defineClass",
            String.class,
            byte[].class,
            int.class,
            int.class,
            ClassLoader.class,
            ProtectionDomain.class);
    for (String name : BRIDGE_CLASSES) {
      if (definedInBoot(name)) {
        continue; // an earlier attach defined it
      }
      byte[] bytes = read(name);
      define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    }
  }

  private static boolean definedInBoot(String name) {
    try {
      Class.forName(name, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static byte[] read(String name) throws IOException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = BootstrapInjector.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing " + resource + " in the agent jar");
      }
      return in.readAllBytes();
    }
  }
}
