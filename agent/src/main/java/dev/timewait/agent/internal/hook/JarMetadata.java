package dev.timewait.agent.internal.hook;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a jar says about itself: the Maven coordinates in its {@code
 * META-INF/maven/GROUP/ARTIFACT/pom.properties} files (a shaded jar holds several), and its
 * manifest's {@code Automatic-Module-Name}, {@code Implementation-Title} and {@code
 * Implementation-Version}. Read once per jar, the first time one of its classes is on a stack.
 */
final class JarMetadata {
  /** Known libraries whose jars carry no {@code pom.properties}: module name to coordinates. */
  private static final Map<String, String> KNOWN_MODULES =
      Map.of(
          "io.grpc.netty.shaded", "io.grpc:grpc-netty-shaded",
          "okhttp3", "com.squareup.okhttp3:okhttp",
          "okio", "com.squareup.okio:okio",
          "org.postgresql.jdbc", "org.postgresql:postgresql",
          "redis.clients.jedis", "redis.clients:jedis");

  /** Known libraries by {@code Implementation-Title}, for jars with neither of the above. */
  private static final Map<String, String> KNOWN_TITLES =
      Map.of(
          "PostgreSQL JDBC Driver", "org.postgresql:postgresql",
          "MariaDB Connector/J", "org.mariadb.jdbc:mariadb-java-client");

  static final JarMetadata NONE = new JarMetadata(false, List.of(), null);

  /** A class directory, the main jar or Spring Boot's {@code BOOT-INF/classes}. */
  final boolean application;

  /** {@code group:artifact:version} of each {@code pom.properties}, in the jar's order. */
  final List<String> coordinates;

  /**
   * What the jar names itself without {@code pom.properties}: Maven coordinates of a known library,
   * or its module or bundle name and version; null when it says nothing.
   */
  final String manifestCoordinates;

  JarMetadata(boolean application, List<String> coordinates, String manifestCoordinates) {
    this.application = application;
    this.coordinates = coordinates;
    this.manifestCoordinates = manifestCoordinates;
  }

  static JarMetadata application() {
    return new JarMetadata(true, List.of(), null);
  }

  /** Whether the jar names itself as a library. */
  boolean describesLibrary() {
    return !coordinates.isEmpty() || manifestCoordinates != null;
  }

  /**
   * The library a class of this jar belongs to: the {@code pom.properties} whose group is the
   * longest prefix of the class's package (shaded jars), else the one named like the jar file, else
   * the only one, else the manifest's.
   */
  String libraryOf(String className, String jarName) {
    String best = null;
    int bestLength = 0;
    for (String c : coordinates) {
      String group = c.substring(0, c.indexOf(':'));
      if (className.startsWith(group + ".") && group.length() > bestLength) {
        best = c;
        bestLength = group.length();
      }
    }
    if (best != null) {
      return best;
    }
    if (application) {
      return null;
    }
    for (String c : coordinates) {
      String artifact = c.substring(c.indexOf(':') + 1, c.lastIndexOf(':'));
      if (jarName != null && jarName.startsWith(artifact + "-")) {
        return c;
      }
    }
    if (coordinates.size() == 1) {
      return coordinates.get(0);
    }
    return manifestCoordinates != null
        ? manifestCoordinates
        : coordinates.isEmpty() ? null : coordinates.get(0);
  }

  /** Reads a jar on the local file system. */
  static JarMetadata read(JarFile jar, boolean application) throws IOException {
    List<String> coordinates = new ArrayList<>();
    Enumeration<JarEntry> entries = jar.entries();
    while (entries.hasMoreElements()) {
      JarEntry entry = entries.nextElement();
      String name = entry.getName();
      if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
        try (InputStream in = jar.getInputStream(entry)) {
          String c = coordinates(in);
          if (c != null) {
            coordinates.add(c);
          }
        }
      }
    }
    boolean modular =
        jar.getEntry("module-info.class") != null
            || jar.getEntry("META-INF/versions/9/module-info.class") != null
            || jar.getEntry("META-INF/versions/11/module-info.class") != null;
    return new JarMetadata(
        application,
        List.copyOf(coordinates),
        fromManifest(jar.getManifest(), modular, fileName(jar.getName())));
  }

  private static String fileName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
  }

  /**
   * Reads the jar a {@code jar:} URL points into, nested jars of Spring Boot's launcher included
   * (its URL handler gives a {@code JarURLConnection}).
   */
  static JarMetadata read(URL jarUrl, boolean application) throws IOException {
    URLConnection connection = jarUrl.openConnection();
    if (!(connection instanceof JarURLConnection)) {
      return NONE;
    }
    connection.setUseCaches(false);
    JarFile jar = ((JarURLConnection) connection).getJarFile();
    try {
      return read(jar, application);
    } finally {
      jar.close();
    }
  }

  static String coordinates(InputStream pomProperties) throws IOException {
    Properties p = new Properties();
    p.load(pomProperties);
    String group = p.getProperty("groupId");
    String artifact = p.getProperty("artifactId");
    String version = p.getProperty("version");
    if (group == null || artifact == null) {
      return null;
    }
    return group.trim() + ":" + artifact.trim() + (version == null ? "" : ":" + version.trim());
  }

  /**
   * Coordinates a jar without {@code pom.properties} gives itself: a known library's from its
   * module name or title; else, for a jar that declares itself a module or an OSGi bundle (as
   * libraries built with Gradle do), {@code artifact:version} from its file name, or its module
   * name and version. A jar that says none of this is not taken for a library.
   */
  static String fromManifest(Manifest manifest, boolean modular, String jarName) {
    Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
    String module = trimmed(main.getValue("Automatic-Module-Name"));
    String bundle = trimmed(main.getValue("Bundle-SymbolicName"));
    String title = trimmed(main.getValue("Implementation-Title"));
    String version = trimmed(main.getValue("Implementation-Version"));
    if (version == null) {
      version = trimmed(main.getValue("Bundle-Version"));
    }
    String[] file = artifactAndVersion(jarName);
    if (version == null && file != null) {
      version = file[1];
    }
    String known = module == null ? null : KNOWN_MODULES.get(module);
    if (known == null && title != null) {
      known = KNOWN_TITLES.get(title);
    }
    if (known != null) {
      String artifact = known.substring(known.indexOf(':') + 1);
      if (file != null && file[0].startsWith(artifact)) {
        known = known.substring(0, known.indexOf(':') + 1) + file[0]; // okhttp-jvm for okhttp
      }
      return version == null ? known : known + ":" + version;
    }
    if (module == null && bundle == null && !modular) {
      return null; // says nothing: applications' own jars look like this
    }
    if (file != null) {
      return file[0] + ":" + file[1];
    }
    String name = module != null ? module : bundle != null ? bundle.split(";")[0] : jarName;
    return version == null ? name : name + ":" + version;
  }

  /** {@code okhttp-jvm-5.5.1} to {@code [okhttp-jvm, 5.5.1]}, or null. */
  static String[] artifactAndVersion(String jarName) {
    if (jarName == null) {
      return null;
    }
    for (int i = 1; i < jarName.length() - 1; i++) {
      if (jarName.charAt(i) == '-' && Character.isDigit(jarName.charAt(i + 1))) {
        return new String[] {jarName.substring(0, i), jarName.substring(i + 1)};
      }
    }
    return null;
  }

  private static String trimmed(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
