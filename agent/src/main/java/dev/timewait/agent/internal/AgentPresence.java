package dev.timewait.agent.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Says in the JVM's agent properties that the agent runs, with which options and from which jar.
 * The attach channel reads those properties without loading anything into the JVM (as {@code jcmd
 * PID VM.system_properties} reads the system ones), so that {@code timewait} can tell a JVM with
 * the agent from one without, detach it through the jar it came from, and find the folder where it
 * answers snapshot requests.
 */
final class AgentPresence {
  /** The package of the JDK's agent properties, exported to the agent by the installer. */
  static final String PACKAGE = "jdk.internal.vm";

  /** The running agent's options as {@code k=v,...} (empty: the defaults). */
  static final String OPTIONS = "dev.timewait.agent.options";

  /** The jar the running agent was loaded from, as this JVM sees it. */
  static final String JAR = "dev.timewait.agent.jar";

  /** The folder where the agent answers snapshot requests, as this JVM sees it. */
  static final String REQUESTS = "dev.timewait.agent.requests";

  private AgentPresence() {}

  /**
   * @param requests the snapshot request folder, or null when there is none
   */
  static void announce(AgentOptions options, File jar, Path requests) {
    Properties properties = agentProperties();
    if (properties == null) {
      return;
    }
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, String> option : options.given().entrySet()) {
      pairs.add(option.getKey() + "=" + option.getValue());
    }
    properties.setProperty(JAR, jar.getAbsolutePath());
    if (requests != null) {
      properties.setProperty(REQUESTS, requests.toString());
    }
    properties.setProperty(OPTIONS, String.join(",", pairs));
  }

  static void withdraw() {
    Properties properties = agentProperties();
    if (properties != null) {
      properties.remove(OPTIONS);
      properties.remove(JAR);
      properties.remove(REQUESTS);
    }
  }

  /** The JDK's agent properties, or null (one line) where this JDK has none. */
  private static Properties agentProperties() {
    try {
      return (Properties)
          Class.forName(PACKAGE + ".VMSupport").getMethod("getAgentProperties").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      System.err.println(
          "timewait: this JVM has no agent properties (" + e + "); timewait cannot see the agent");
      return null;
    }
  }
}
