package dev.timewait.agent.internal;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * A testing aid: {@code -Dtimewait.faults=recorder,sampler,jmx,oom}, read once at start-up, builds
 * the named components in a variant that fails on every call, so that tests can show the
 * application is unaffected. Nothing of it is on the hook path unless asked for.
 */
final class Faults {
  static final String PROPERTY = "timewait.faults";

  private final Set<String> kinds;

  private Faults(Set<String> kinds) {
    this.kinds = kinds;
  }

  static Faults fromSystemProperty() {
    String value = System.getProperty(PROPERTY, "");
    if (value.isEmpty()) {
      return new Faults(Set.of()); // no regular expression before main
    }
    return new Faults(Set.copyOf(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s*,\\s*"))));
  }

  CloseRecorder recorder(int maxSites, int maxEndpoints, int recentCapacity) {
    return kinds.contains("recorder")
        ? new FailingRecorder(maxSites, maxEndpoints, recentCapacity)
        : new CloseRecorder(maxSites, maxEndpoints, recentCapacity);
  }

  HostCollector sampler(HostCollector collector) {
    return kinds.contains("sampler") ? failing(HostCollector.class, "sampler") : collector;
  }

  /** With {@code jmx}, every attribute of the bean throws, and the failure is counted. */
  <T> T bean(Class<T> type, T bean, AgentErrors errors) {
    if (!kinds.contains("jmx")) {
      return bean;
    }
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              if (method.getName().equals("getErrorCount")) {
                return invoke(method, bean, args);
              }
              IllegalStateException e = new IllegalStateException("injected jmx fault");
              errors.record("JMX " + type.getSimpleName(), e);
              throw e;
            });
    return type.cast(proxy);
  }

  /** With {@code oom}, every periodic scan asks for more memory than the heap can ever give. */
  Runnable periodic(Runnable periodic) {
    if (!kinds.contains("oom")) {
      return periodic;
    }
    return () -> {
      long[] tooLarge =
          new long[(int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory())];
      tooLarge[0] = 1;
      periodic.run();
    };
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T failing(Class<T> type, String what) {
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (self, method, args) -> {
              throw new IllegalStateException("injected " + what + " fault");
            });
    return type.cast(proxy);
  }

  private static final class FailingRecorder extends CloseRecorder {
    FailingRecorder(int maxSites, int maxEndpoints, int recentCapacity) {
      super(maxSites, maxEndpoints, recentCapacity);
    }

    @Override
    public void record(
        CodeSite closeSite,
        CodeSite openSite,
        Role role,
        CloseKind kind,
        InetSocketAddress local,
        InetSocketAddress remote,
        long now,
        int weight) {
      throw new IllegalStateException("injected recorder fault");
    }

    @Override
    public void recordInternal() {
      throw new IllegalStateException("injected recorder fault");
    }
  }
}
