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
 * Buddy and the rest cannot clash with the application's own.
 *
 * <p>Only the jar's own classes load under a lock, this loader's; every other name goes to the
 * platform loader without one. A thread holding the lock must never wait for a JDK class: the JVM
 * may be loading that class on another thread right then, through the agent's transformer, which
 * needs this loader for Byte Buddy. (Before, the first {@code connect} of one thread and the first
 * {@code accept} of another deadlocked that way.) The loader is registered parallel capable so that
 * the JVM does not take the lock itself around every load it asks for; as {@link #loadClass} never
 * asks for a per-name lock, none is kept (a parallel-capable loader's default keeps one for every
 * name it is ever asked for, JDK names included: some 2,800 objects, 0.3 MB of heap for good).
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
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    JarEntry entry = name.startsWith(BRIDGE_PACKAGE) ? null : jar.getJarEntry(entryName(name));
    if (entry == null) {
      return getParent().loadClass(name); // outside this loader's lock, see the class comment
    }
    synchronized (this) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        c = define(name, entry);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (name.startsWith(BRIDGE_PACKAGE)) {
      throw new ClassNotFoundException(name + " must come from the boot class loader");
    }
    JarEntry entry = jar.getJarEntry(entryName(name));
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    synchronized (this) {
      Class<?> c = findLoadedClass(name);
      return c != null ? c : define(name, entry);
    }
  }

  private static String entryName(String className) {
    return PREFIX + className.replace('.', '/') + ".class";
  }

  private Class<?> define(String name, JarEntry entry) throws ClassNotFoundException {
    try (InputStream in = jar.getInputStream(entry)) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length, domain);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  /**
   * The agent's own resources straight from the open jar, before the JDK's: through {@link
   * #findResource}'s URL each read would open the jar a second time (a dozen {@code sun.net.www}
   * classes), and asking the platform loader first searches every JDK module, both before {@code
   * main}. The jar's {@code inst/} folder holds nothing but the agent and its libraries.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    JarEntry entry = jar.getJarEntry(PREFIX + name);
    if (entry != null) {
      try {
        return jar.getInputStream(entry);
      } catch (IOException e) {
        return null;
      }
    }
    return getParent().getResourceAsStream(name);
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
