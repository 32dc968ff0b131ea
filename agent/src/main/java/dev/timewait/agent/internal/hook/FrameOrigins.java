package dev.timewait.agent.internal.hook;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.security.CodeSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;

/**
 * Decides, per class, whether a stack frame is the JDK's, a library's or the application's, from
 * where the class comes from rather than from its package name:
 *
 * <ul>
 *   <li><b>JDK</b>: the boot and platform class loaders, and every JDK module ({@code java.*},
 *       {@code jdk.*} in the boot layer, {@code jdk.httpserver} included).
 *   <li><b>library</b>: a class from a jar that carries Maven metadata ({@code
 *       META-INF/maven/**}/{@code pom.properties}) or the manifest of a known library; in the main
 *       jar or a class folder, a class of a known library package (shaded into it).
 *   <li><b>application</b>: everything else (class folders, the main jar, Spring Boot's {@code
 *       BOOT-INF/classes}), and whatever the {@code appPackages} option names.
 * </ul>
 *
 * The decision is kept per class in a {@link ClassValue}, and a jar is read once, the first time
 * one of its classes is on a stack: after that a frame costs one {@code ClassValue} lookup.
 */
final class FrameOrigins {
  enum Kind {
    JDK,
    AGENT,
    LIBRARY,
    APPLICATION
  }

  /** Where one class comes from. */
  static final class Origin {
    final Kind kind;

    /** A library's coordinates, a JDK module's name (but java.base's), or null. */
    final String via;

    /** A class of the JMX connector, whose sockets are never application closes. */
    final boolean jmxConnector;

    Origin(Kind kind, String via, boolean jmxConnector) {
      this.kind = kind;
      this.via = via;
      this.jmxConnector = jmxConnector;
    }
  }

  private static final String BRIDGE_PACKAGE = "dev.timewait.agent.bootstrap.";
  private static final String RESOLVER = SiteResolver.class.getName();
  private static final String[] JMX_CONNECTOR_PACKAGES = {
    "sun.rmi.",
    "javax.management.remote.",
    "com.sun.jmx.remote.",
    "jdk.management.agent.",
    "sun.management.jmxremote."
  };
  private static final Origin JAVA_BASE = new Origin(Kind.JDK, null, false);
  private static final Origin JMX = new Origin(Kind.JDK, null, true);
  private static final Origin AGENT = new Origin(Kind.AGENT, null, false);
  private static final Origin APPLICATION = new Origin(Kind.APPLICATION, null, false);

  private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
  private final ClassLoader agent;
  private final String[] libraryPrefixes;
  private final String[] appPackages;
  private final ConcurrentHashMap<String, JarMetadata> jars = new ConcurrentHashMap<>();
  private volatile String mainJar;

  private final ClassValue<Origin> origins =
      new ClassValue<>() {
        @Override
        protected Origin computeValue(Class<?> type) {
          return decide(type);
        }
      };

  /**
   * @param libraryPrefixes packages of libraries, for classes whose jar says nothing
   * @param appPackages packages that are the application's wherever they come from
   * @param agent the agent's own class loader (null: none)
   */
  FrameOrigins(List<String> libraryPrefixes, List<String> appPackages, ClassLoader agent) {
    this.libraryPrefixes = libraryPrefixes.toArray(new String[0]);
    this.appPackages = appPackages.toArray(new String[0]);
    this.agent = agent;
  }

  Origin of(Class<?> type) {
    return origins.get(type);
  }

  private Origin decide(Class<?> type) {
    String name = type.getName();
    ClassLoader loader = type.getClassLoader();
    if (loader == agent && agent != null
        || name.startsWith(BRIDGE_PACKAGE)
        || name.equals(RESOLVER)
        || name.startsWith(RESOLVER + "$")) {
      return AGENT;
    }
    Module module = type.getModule();
    boolean jdkModule =
        module.isNamed()
            && module.getLayer() == ModuleLayer.boot()
            && (module.getName().startsWith("java.") || module.getName().startsWith("jdk."));
    if (loader == null || loader == platform || jdkModule) {
      if (startsWithAny(name, JMX_CONNECTOR_PACKAGES)) {
        return JMX;
      }
      return module == Object.class.getModule() || !module.isNamed()
          ? JAVA_BASE
          : new Origin(Kind.JDK, module.getName(), false);
    }
    if (startsWithAny(name, appPackages)) {
      return APPLICATION;
    }
    String location = location(type);
    JarMetadata jar = location == null ? JarMetadata.NONE : jar(location);
    String jarName = location == null ? null : jarName(location);
    if (jar.application) {
      // a class folder or the main jar: libraries shaded into it are known by their packages
      String shaded = jar.libraryOf(name, jarName);
      if (shaded != null && !isOwn(shaded, jarName)) {
        return new Origin(Kind.LIBRARY, shaded, false);
      }
      return startsWithAny(name, libraryPrefixes)
          ? new Origin(Kind.LIBRARY, jarName, false)
          : APPLICATION;
    }
    if (jar.describesLibrary()) {
      return new Origin(Kind.LIBRARY, jar.libraryOf(name, jarName), false);
    }
    return startsWithAny(name, libraryPrefixes)
        ? new Origin(Kind.LIBRARY, jarName, false)
        : APPLICATION;
  }

  private static String location(Class<?> type) {
    try {
      CodeSource source = type.getProtectionDomain().getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return url == null ? null : url.toString();
    } catch (SecurityException e) {
      return null;
    }
  }

  private JarMetadata jar(String location) {
    JarMetadata known = jars.get(location);
    if (known != null) {
      return known;
    }
    JarMetadata read = read(location);
    JarMetadata raced = jars.putIfAbsent(location, read);
    return raced != null ? raced : read;
  }

  private JarMetadata read(String location) {
    try {
      if (location.contains("BOOT-INF/classes") || location.contains("WEB-INF/classes")) {
        return JarMetadata.application();
      }
      if (location.startsWith("file:")) {
        File file = new File(URI.create(location));
        if (file.isDirectory()) {
          return JarMetadata.application();
        }
        boolean main = file.getAbsolutePath().equals(mainJar());
        try (JarFile jar = new JarFile(file, false)) {
          return JarMetadata.read(jar, main);
        }
      }
      if (location.startsWith("jar:")) {
        String url = location.endsWith("!/") ? location : location + "!/";
        return JarMetadata.read(new URL(url), false);
      }
      return JarMetadata.NONE;
    } catch (Exception | LinkageError e) {
      return JarMetadata.NONE; // unreadable: decided by the package lists
    }
  }

  /**
   * Whether {@code coordinates} are the main jar's own: a shaded jar keeps its own {@code
   * pom.properties} beside those of the libraries shaded into it. Its own are named like the jar
   * file, or their group holds the main class.
   */
  private static boolean isOwn(String coordinates, String jarName) {
    String group = coordinates.substring(0, coordinates.indexOf(':'));
    String artifact = coordinates.substring(group.length() + 1, coordinates.lastIndexOf(':'));
    String version = coordinates.substring(coordinates.lastIndexOf(':') + 1);
    if (jarName != null
        && (jarName.equals(artifact) || jarName.startsWith(artifact + "-" + version))) {
      return true;
    }
    String command = System.getProperty("sun.java.command", "").trim();
    String main = command.isEmpty() ? "" : command.split(" ")[0];
    return !main.endsWith(".jar") && main.startsWith(group + ".");
  }

  /** The jar the application was started from ({@code -jar}, or the main class's), or "". */
  private String mainJar() {
    String main = mainJar;
    if (main == null) {
      main = findMainJar();
      mainJar = main;
    }
    return main;
  }

  private static String findMainJar() {
    String command = System.getProperty("sun.java.command", "").trim();
    String first = command.isEmpty() ? "" : command.split(" ")[0];
    if (first.endsWith(".jar")) {
      return new File(first).getAbsolutePath();
    }
    try {
      URL url = ClassLoader.getSystemResource(first.replace('.', '/') + ".class");
      if (url != null && url.getProtocol().equals("jar")) {
        String path = url.getPath(); // file:/x/app.jar!/com/acme/Main.class
        return new File(URI.create(path.substring(0, path.indexOf("!/")))).getAbsolutePath();
      }
    } catch (RuntimeException e) {
      // no main jar to tell
    }
    return "";
  }

  /** {@code postgresql-42.7.4} for {@code file:/x/postgresql-42.7.4.jar} or a nested jar. */
  static String jarName(String location) {
    String path = location.endsWith("!/") ? location.substring(0, location.length() - 2) : location;
    if (path.endsWith("/")) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    String file = path.substring(slash + 1);
    return file.endsWith(".jar") ? file.substring(0, file.length() - 4) : null;
  }

  private static boolean startsWithAny(String name, String[] prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
