package dev.timewait.analyzer.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Checks agent options before they are sent to a JVM, with the option parser of the agent jar that
 * will read them: one parser, and the same answer the agent would give, but here as one line and
 * exit 2 instead of a line on the target's standard error and an agent that stays off.
 */
final class AgentOptionsCheck {

  /** The agent's parser, inside the jar's {@code inst/} folder; {@code parse(String)} throws. */
  static final String PARSER = "dev.timewait.agent.internal.AgentOptions";

  private AgentOptionsCheck() {}

  /**
   * Throws a {@link CliException} naming what is wrong with {@code options}. An agent jar without a
   * parser where this version expects one is not checked here; reading the agent's state back after
   * loading still tells whether it started.
   */
  static void check(Path agentJar, String options) {
    if (options == null || options.isBlank()) {
      return;
    }
    URL internals;
    try {
      internals = new URL("jar:" + agentJar.toUri() + "!/inst/");
    } catch (MalformedURLException e) {
      return;
    }
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {internals}, ClassLoader.getPlatformClassLoader())) {
      Class.forName(PARSER, true, loader).getMethod("parse", String.class).invoke(null, options);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException bad) {
        throw new CliException("--options: " + bad.getMessage());
      }
    } catch (ReflectiveOperationException | IOException | LinkageError e) {
      // not this version's agent jar: left to the read-back
    }
  }
}
