package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Finds the code site of the current thread: the first frame outside the JDK, outside the agent and
 * outside the configured library prefixes. Walks only as far as that frame (about a microsecond)
 * and formats a site only the first time it is seen.
 */
public final class SiteResolver {
  private static final String BRIDGE_PACKAGE = "dev.timewait.agent.bootstrap.";
  private static final String[] JMX_CONNECTOR_PACKAGES = {
    "sun.rmi.",
    "javax.management.remote.",
    "com.sun.jmx.remote.",
    "jdk.management.agent.",
    "sun.management.jmxremote."
  };

  // The first application frame of a close sits about ten frames down (the agent's frames, then the
  // JDK's socket classes): a first batch of 16 frames finds it in one call into the VM, not two.
  private final StackWalker walker =
      StackWalker.getInstance(java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 16);
  private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
  private final ClassLoader agent;
  private final String[] excludes;
  private final int stackDepth;
  private final int maxFrames;
  private final ConcurrentHashMap<FrameKey, CodeSite> sites = new ConcurrentHashMap<>();
  private final LongAdder overflow = new LongAdder();
  // stateless: one instance serves every walk, so a lookup allocates nothing beyond the JDK's walk
  private final Walk walk = new Walk();

  /**
   * @param agent the agent's own class loader, whose frames are never a site (null: none)
   */
  public SiteResolver(List<String> excludes, int stackDepth, int maxFrames, ClassLoader agent) {
    this.agent = agent;
    this.excludes = excludes.toArray(new String[0]);
    this.stackDepth = stackDepth;
    this.maxFrames = maxFrames;
  }

  /** The site of the calling thread, {@link CodeSite#INTERNAL} for the JMX connector's threads. */
  public CodeSite resolve() {
    return walker.walk(walk);
  }

  /** Lookups that found the table full and were counted under {@link CodeSite#OTHER}. */
  long overflow() {
    return overflow.sum();
  }

  int size() {
    return sites.size();
  }

  private boolean isJdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == platform;
  }

  private boolean isExcluded(String className) {
    for (String prefix : excludes) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isJmxConnector(String className) {
    for (String prefix : JMX_CONNECTOR_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private CodeSite intern(StackFrame frame, Iterator<StackFrame> below) {
    FrameKey key =
        new FrameKey(frame.getDeclaringClass(), frame.getMethodName(), frame.getLineNumber());
    CodeSite site = sites.get(key);
    if (site != null) {
      return site;
    }
    if (sites.size() >= maxFrames) {
      overflow.increment();
      return CodeSite.OTHER;
    }
    List<String> stack = new ArrayList<>(stackDepth);
    String formatted = format(frame);
    stack.add(formatted);
    while (stack.size() < stackDepth && below.hasNext()) {
      stack.add(format(below.next()));
    }
    CodeSite created = new CodeSite(formatted, List.copyOf(stack));
    CodeSite raced = sites.putIfAbsent(key, created);
    return raced == null ? created : raced;
  }

  /** {@code StackTraceElement.toString()} without the class loader and module part. */
  static String format(StackFrame frame) {
    String file = frame.getFileName();
    int line = frame.getLineNumber();
    String where;
    if (frame.isNativeMethod()) {
      where = "Native Method";
    } else if (file == null) {
      where = "Unknown Source";
    } else if (line >= 0) {
      where = file + ":" + line;
    } else {
      where = file;
    }
    return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
  }

  private final class Walk implements Function<Stream<StackFrame>, CodeSite> {
    @Override
    public CodeSite apply(Stream<StackFrame> frames) {
      Iterator<StackFrame> it = frames.iterator();
      StackFrame firstOutsideJavaBase = null;
      boolean jmxConnector = false;
      while (it.hasNext()) {
        StackFrame frame = it.next();
        String className = frame.getClassName();
        Class<?> type = frame.getDeclaringClass();
        if (type == SiteResolver.class
            || (agent != null && type.getClassLoader() == agent)
            || className.startsWith(BRIDGE_PACKAGE)) {
          continue;
        }
        if (isJdk(type)) {
          jmxConnector |= isJmxConnector(className);
          if (firstOutsideJavaBase == null && type.getModule() != Object.class.getModule()) {
            firstOutsideJavaBase = frame;
          }
          continue;
        }
        if (isExcluded(className)) {
          continue;
        }
        return intern(frame, it);
      }
      if (jmxConnector) {
        return CodeSite.INTERNAL;
      }
      // No application frame: a JDK-owned thread (HttpClient's selector, say). Name the first
      // frame outside java.base, which tells the JDK component.
      return firstOutsideJavaBase == null ? CodeSite.JDK_ONLY : intern(firstOutsideJavaBase, it);
    }
  }

  private static final class FrameKey {
    private final Class<?> type;
    private final String method;
    private final int line;
    private final int hash;

    FrameKey(Class<?> type, String method, int line) {
      this.type = type;
      this.method = method;
      this.line = line;
      this.hash = (type.hashCode() * 31 + method.hashCode()) * 31 + line;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof FrameKey)) {
        return false;
      }
      FrameKey k = (FrameKey) o;
      return type == k.type && line == k.line && Objects.equals(method, k.method);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
