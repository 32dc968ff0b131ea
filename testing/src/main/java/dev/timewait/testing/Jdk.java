package dev.timewait.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An installed JDK that child JVMs run on: the one running the tests (17 in the build) and JDK 25
 * where installed ({@code timewait.jdk25}, by default {@code /usr/lib/jvm/temurin-25-jdk-amd64}).
 *
 * @param home the JDK's home folder
 */
public record Jdk(Path home) {

  /** {@code @MethodSource} of tests that run on every JDK of {@link #all()}. */
  public static final String ALL = "dev.timewait.testing.Jdk#all";

  /** The JDK running this JVM. */
  public static Jdk current() {
    return new Jdk(Path.of(System.getProperty("java.home")));
  }

  /** The JDK running this JVM, then JDK 25 where installed and not the same. */
  public static List<Jdk> all() {
    List<Jdk> all = new ArrayList<>(List.of(current()));
    Jdk jdk25 =
        new Jdk(Path.of(System.getProperty("timewait.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64")));
    try {
      if (Files.isExecutable(jdk25.java()) && !Files.isSameFile(jdk25.home, current().home)) {
        all.add(jdk25);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  /** Its {@code bin/java}. */
  public Path java() {
    return tool("java");
  }

  /** One of its {@code bin} tools, e.g. {@code jcmd}. */
  public Path tool(String name) {
    return home.resolve("bin").resolve(name);
  }

  @Override
  public String toString() {
    return home.toString();
  }
}
