package dev.timewait.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the agent's internals and their libraries from the {@code inst/} folder of the agent jar.
 * Entries there are invisible to the application's class loader, so the agent's copies of Byte
 * Buddy, OSHI, Jackson and the rest cannot clash with the application's own.
 */
final class AgentClassLoader extends ClassLoader {
  static final String PREFIX = "inst/";

  /** Defined in the boot loader by the agent; a copy in this loader would split the bridge. */
  private static final String BRIDGE_PACKAGE = "dev.timewait.agent.bootstrap.";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain domain;

  AgentClassLoader(JarFile jar, File file) throws MalformedURLException {
    super("timewait", ClassLoader.getPlatformClassLoader());
    this.jar = jar;
    URL location = file.toURI().toURL();
    this.jarUrl = "jar:" + location + "!/";
    this.domain =
        new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (name.startsWith(BRIDGE_PACKAGE)) {
      throw new ClassNotFoundException(name + " must come from the boot class loader");
    }
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".class");
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    try (InputStream in = jar.getInputStream(entry)) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length, domain);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  /**
   * Straight from the open jar: through {@link #findResource}'s URL, each read would open the jar a
   * second time, with a dozen {@code sun.net.www} classes, before {@code main}.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    InputStream parent = getParent().getResourceAsStream(name);
    if (parent != null) {
      return parent;
    }
    JarEntry entry = jar.getJarEntry(PREFIX + name);
    if (entry == null) {
      return null;
    }
    try {
      return jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  protected URL findResource(String name) {
    if (jar.getJarEntry(PREFIX + name) == null) {
      return null;
    }
    try {
      return new URL(jarUrl + PREFIX + name);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.emptyEnumeration()
        : Collections.enumeration(java.util.List.of(url));
  }
}
