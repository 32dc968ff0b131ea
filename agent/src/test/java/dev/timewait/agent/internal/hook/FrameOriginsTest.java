package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.agent.internal.record.CodeSite;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which frame is the application's, decided by where each class comes from: jars built here with
 * and without Maven metadata, loaded by a class loader of their own, call back into the resolver.
 */
class FrameOriginsTest {
  @TempDir Path dir;

  /** A jar with one class {@code PACKAGE.Caller} that runs the function it is given. */
  private Class<?> caller(String pkg, String jarName, Manifest manifest, String pomProperties)
      throws Exception {
    Path src = dir.resolve("src-" + jarName).resolve(pkg.replace('.', '/'));
    Files.createDirectories(src);
    Path file = src.resolve("Caller.java");
    Files.writeString(
        file,
        "package "
            + pkg
            + ";\n"
            + "public class Caller implements java.util.function.Function<"
            + "java.util.function.Supplier<Object>, Object> {\n"
            + "  public Object apply(java.util.function.Supplier<Object> s) { return s.get(); }\n"
            + "}\n");
    Path classes = dir.resolve("classes-" + jarName);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), file.toString()));
    Path jar = dir.resolve(jarName + ".jar");
    try (JarOutputStream out =
        manifest == null
            ? new JarOutputStream(Files.newOutputStream(jar))
            : new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      String entry = pkg.replace('.', '/') + "/Caller.class";
      out.putNextEntry(new JarEntry(entry));
      out.write(Files.readAllBytes(classes.resolve(entry)));
      if (pomProperties != null) {
        out.putNextEntry(new JarEntry("META-INF/maven/" + pkg + "/lib/pom.properties"));
        OutputStream o = out;
        o.write(pomProperties.getBytes(StandardCharsets.UTF_8));
      }
    }
    URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
    return loader.loadClass(pkg + ".Caller");
  }

  @SuppressWarnings("unchecked")
  private static CodeSite through(Class<?> caller, SiteResolver resolver) throws Exception {
    Function<Supplier<Object>, Object> f =
        (Function<Supplier<Object>, Object>) caller.getConstructor().newInstance();
    return (CodeSite) f.apply(resolver::resolve); // a method reference: no frame of its own
  }

  private static SiteResolver resolver(List<String> appPackages) {
    return new SiteResolver(List.of(), appPackages, 4, 100, null);
  }

  @Test
  void aJarWithMavenMetadataIsALibraryNamedByItsCoordinates() throws Exception {
    Class<?> lib =
        caller(
            "org.example.lib",
            "lib-core-1.2.3",
            null,
            "groupId=org.example.lib\nartifactId=lib-core\nversion=1.2.3\n");
    CodeSite site = through(lib, resolver(List.of()));
    assertTrue(site.application);
    assertTrue(
        site.frame.startsWith(getClass().getName() + ".through("),
        "the caller of the library: " + site.frame);
    assertEquals("org.example.lib:lib-core:1.2.3", site.via);
  }

  @Test
  void aModularJarWithoutPomIsALibraryNamedByItsFile() throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Automatic-Module-Name", "org.gradlelib");
    Class<?> lib = caller("org.gradlelib", "gradlelib-2.0", manifest, null);
    CodeSite site = through(lib, resolver(List.of()));
    assertTrue(site.frame.startsWith(getClass().getName() + ".through("), site.frame);
    assertEquals("gradlelib:2.0", site.via);
  }

  @Test
  void aJarThatSaysNothingAboutItselfIsTheApplications() throws Exception {
    Class<?> helper = caller("com.acme.tools", "acme-tools", null, null);
    CodeSite site = through(helper, resolver(List.of()));
    assertTrue(site.frame.startsWith("com.acme.tools.Caller.apply("), site.frame);
    assertNull(site.via, "the application's own use of the JDK");
  }

  @Test
  void appPackagesOverrideTheJarsMetadata() throws Exception {
    Class<?> lib =
        caller(
            "com.acme.db",
            "acme-db-3.0",
            null,
            "groupId=com.acme.db\nartifactId=acme-db\nversion=3.0\n");
    CodeSite site = through(lib, resolver(List.of("com.acme.")));
    assertTrue(site.frame.startsWith("com.acme.db.Caller.apply("), site.frame);
  }

  @Test
  void everyJdkModuleIsTheJdksAndNamesItself() {
    FrameOrigins origins = new FrameOrigins(List.of(), List.of(), null);
    FrameOrigins.Origin httpServer = origins.of(com.sun.net.httpserver.HttpServer.class);
    assertEquals(FrameOrigins.Kind.JDK, httpServer.kind);
    assertEquals("jdk.httpserver", httpServer.via);
    FrameOrigins.Origin base = origins.of(java.net.Socket.class);
    assertEquals(FrameOrigins.Kind.JDK, base.kind);
    assertNull(base.via, "java.base is below every library");
    assertEquals(FrameOrigins.Kind.APPLICATION, origins.of(getClass()).kind, "a class folder");
    assertFalse(origins.of(getClass()).jmxConnector);
  }

  @Test
  void jarNamesSplitIntoArtifactAndVersion() {
    assertEquals(
        List.of("okhttp-jvm", "5.5.1"),
        List.of(JarMetadata.artifactAndVersion("okhttp-jvm-5.5.1")));
    assertNull(JarMetadata.artifactAndVersion("app"));
    assertEquals("postgresql-42.7.4", FrameOrigins.jarName("file:/x/lib/postgresql-42.7.4.jar"));
    assertEquals(
        "jedis-8.0.2",
        FrameOrigins.jarName("jar:nested:/x/app.jar/!BOOT-INF/lib/jedis-8.0.2.jar!/"));
    assertNull(FrameOrigins.jarName("file:/x/target/classes/"));
  }
}
