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
 * Finds the code site of the current thread: the first application frame ({@link FrameOrigins}),
 * and the library the stack went through on its way to the socket: the first frame outside
 * java.base that is not the application's. Walks only as far as the application frame (about a
 * microsecond) and formats a site only the first time it is seen.
 */
public final class SiteResolver {
  // The first application frame of a close sits about ten frames down (the agent's frames, then the
  // JDK's socket classes): a first batch of 16 frames finds it in one call into the VM, not two.
  private final StackWalker walker =
      StackWalker.getInstance(java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE), 16);
  private final FrameOrigins origins;
  private final int stackDepth;
  private final int maxFrames;
  private final ConcurrentHashMap<FrameKey, CodeSite> sites = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CodeSite> withoutApplication = new ConcurrentHashMap<>();
  private final LongAdder overflow = new LongAdder();
  // stateless: one instance serves every walk, so a lookup allocates nothing beyond the JDK's walk
  private final Walk walk = new Walk();
  private final Function<Stream<StackFrame>, List<String>> frames = this::format;

  /**
   * @param libraryPrefixes packages of libraries, for classes whose jar says nothing
   * @param appPackages packages that are always the application's
   * @param agent the agent's own class loader, whose frames are never a site (null: none)
   */
  public SiteResolver(
      List<String> libraryPrefixes,
      List<String> appPackages,
      int stackDepth,
      int maxFrames,
      ClassLoader agent) {
    this.origins = new FrameOrigins(libraryPrefixes, appPackages, agent);
    this.stackDepth = stackDepth;
    this.maxFrames = maxFrames;
  }

  /**
   * The site of the calling thread: its first application frame; {@link CodeSite#INTERNAL} for the
   * JMX connector's threads; without an application frame, a site named {@code (no application
   * frame)} per library, or {@link CodeSite#JDK_ONLY}.
   */
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

  private CodeSite intern(StackFrame frame, Iterator<StackFrame> below, String via) {
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
    CodeSite created = new CodeSite(formatted, List.copyOf(stack), true, via);
    CodeSite raced = sites.putIfAbsent(key, created);
    return raced == null ? created : raced;
  }

  /** One site per library for stacks without an application frame; its stack from the first. */
  private CodeSite withoutApplication(String via) {
    CodeSite site = withoutApplication.get(via);
    if (site != null) {
      return site;
    }
    if (withoutApplication.size() >= maxFrames) {
      overflow.increment();
      return CodeSite.OTHER;
    }
    List<String> stack = walker.walk(frames); // once per library: the frames for drill-down
    CodeSite created =
        new CodeSite(CodeSite.JDK_ONLY.frame, stack, false, via.isEmpty() ? null : via);
    CodeSite raced = withoutApplication.putIfAbsent(via, created);
    return raced == null ? created : raced;
  }

  /** The first frames outside java.base and the agent, formatted. */
  private List<String> format(Stream<StackFrame> all) {
    List<String> out = new ArrayList<>(stackDepth);
    Iterator<StackFrame> it = all.iterator();
    while (it.hasNext() && out.size() < stackDepth) {
      StackFrame frame = it.next();
      FrameOrigins.Origin origin = origins.of(frame.getDeclaringClass());
      if (origin.kind == FrameOrigins.Kind.AGENT
          || origin.kind == FrameOrigins.Kind.JDK && origin.via == null && out.isEmpty()) {
        continue;
      }
      out.add(format(frame));
    }
    return List.copyOf(out);
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
      String via = null;
      boolean outsideJavaBase = false;
      boolean jmxConnector = false;
      while (it.hasNext()) {
        StackFrame frame = it.next();
        FrameOrigins.Origin origin = origins.of(frame.getDeclaringClass());
        switch (origin.kind) {
          case AGENT:
            continue;
          case JDK:
            jmxConnector |= origin.jmxConnector;
            if (origin.via != null && !outsideJavaBase) {
              outsideJavaBase = true;
              via = origin.via;
            }
            continue;
          case LIBRARY:
            if (!outsideJavaBase) {
              outsideJavaBase = true;
              via = origin.via;
            }
            continue;
          default:
            return intern(frame, it, via);
        }
      }
      if (jmxConnector) {
        return CodeSite.INTERNAL;
      }
      // No application frame: a library's or the JDK's own thread (an event loop, the
      // HttpClient's selector). One site per library it went through.
      return outsideJavaBase ? withoutApplication(via == null ? "" : via) : CodeSite.JDK_ONLY;
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
