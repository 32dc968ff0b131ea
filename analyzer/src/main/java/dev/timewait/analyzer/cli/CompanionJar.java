package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Finds a jar that ships with {@code timewait.jar}: the option naming it, else the jar beside
 * {@code timewait.jar} (the distribution's {@code lib/}), else {@code <module>/target/<jar>} of the
 * source tree that {@code analyzer/target/timewait.jar} was built in.
 */
final class CompanionJar {

  private final String fileName;
  private final String module;
  private final String what;
  private final String option;

  private CompanionJar(String fileName, String module, String what, String option) {
    this.fileName = fileName;
    this.module = module;
    this.what = what;
    this.option = option;
  }

  /** The agent jar; {@code option} is the {@code --agent-jar} value or null. */
  static Path agent(Path option) {
    Path jar =
        new CompanionJar("timewait-agent.jar", "agent", "agent jar", "--agent-jar").locate(option);
    if (!isAgentJar(jar)) {
      throw new CliException(
          jar
              + " is not an agent jar (its manifest names no Agent-Class or Premain-Class): use"
              + " timewait-agent.jar");
    }
    return jar;
  }

  private static boolean isAgentJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      if (manifest == null) {
        return false;
      }
      Attributes main = manifest.getMainAttributes();
      return main.getValue("Agent-Class") != null || main.getValue("Premain-Class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The examples jar; {@code option} is the {@code --examples-jar} value or null. */
  static Path examples(Path option) {
    return new CompanionJar("timewait-examples.jar", "examples", "examples jar", "--examples-jar")
        .locate(option);
  }

  private Path locate(Path given) {
    if (given != null) {
      if (!Files.isRegularFile(given)) {
        throw new CliException(what + " not found: " + given);
      }
      return given.toAbsolutePath();
    }
    Path home = home();
    if (home != null) {
      Path beside = home.resolve(fileName);
      if (Files.isRegularFile(beside)) {
        return beside;
      }
      Path built = home.resolve("../../" + module + "/target/" + fileName).normalize();
      if (Files.isRegularFile(built)) {
        return built;
      }
    }
    throw new CliException(
        what
            + " not found: "
            + fileName
            + " is not beside "
            + (home == null ? "timewait.jar" : home.resolve("timewait.jar"))
            + " (the distribution's lib/ holds both): pass "
            + option
            + " FILE");
  }

  /** The directory holding timewait.jar (or the class directory's parent when run from classes). */
  private static Path home() {
    CodeSource source = CompanionJar.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toAbsolutePath().getParent();
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
