package dev.timewait.agent.internal;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;

/** Facts about this JVM and agent that the snapshot and the Agent MBean show. */
public final class AgentInfo {
  public static final String VERSION = version();

  private final Instant startedAt = Instant.now();
  private volatile String hostName;
  private final String mainClass = commandMainClass();

  public Instant startedAt() {
    return startedAt;
  }

  public long pid() {
    return ProcessHandle.current().pid();
  }

  public String javaVersion() {
    return System.getProperty("java.version", "unknown");
  }

  public String mainClass() {
    return mainClass;
  }

  /** Resolved on first use, off the application's start-up path (it may ask DNS). */
  public String hostName() {
    String name = hostName;
    if (name == null) {
      name = lookUpHostName();
      hostName = name;
    }
    return name;
  }

  private static String commandMainClass() {
    String command = System.getProperty("sun.java.command", "");
    int space = command.indexOf(' ');
    return space < 0 ? command : command.substring(0, space);
  }

  private static String lookUpHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  private static String version() {
    try (java.io.InputStream in = AgentInfo.class.getResourceAsStream("version.properties")) {
      java.util.Properties p = new java.util.Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (java.io.IOException e) {
      return "dev";
    }
  }
}
