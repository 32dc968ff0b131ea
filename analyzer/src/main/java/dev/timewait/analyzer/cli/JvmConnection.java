package dev.timewait.analyzer.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A running JVM reached through the attach API: loads the agent into it and reads the agent's MBean
 * through the JVM's local JMX connector. That connector is the JDK's own (as {@code jcmd PID
 * ManagementAgent.start_local} starts it): it accepts connections from this host only, and once
 * started the JDK keeps it until the JVM exits, as it has no command to stop it.
 */
final class JvmConnection implements AutoCloseable {

  /** The agent's MBean. */
  static final String AGENT_MBEAN = "dev.timewait:type=Agent";

  static final String SNAPSHOT_ATTRIBUTE = "SnapshotJson";

  static final String OPTIONS_ATTRIBUTE = "Options";

  /** The agent property holding the local connector's address once it runs. */
  private static final String LOCAL_CONNECTOR =
      "com.sun.management.jmxremote.localConnectorAddress";

  private final long pid;
  private final VirtualMachine vm;
  private JMXConnector jmx;
  private boolean startedConnector;

  private JvmConnection(long pid, VirtualMachine vm) {
    this.pid = pid;
    this.vm = vm;
  }

  /** Attaches to {@code pid}; every failure becomes one line. */
  static JvmConnection attach(long pid) {
    checkLooksLikeJvm(pid);
    try {
      return new JvmConnection(pid, VirtualMachine.attach(String.valueOf(pid)));
    } catch (AttachNotSupportedException e) {
      throw new CliException(
          "cannot attach to pid "
              + pid
              + ": "
              + oneLine(e)
              + " (is it a JVM started without"
              + " -XX:+DisableAttachMechanism, run by this user?)");
    } catch (IOException e) {
      throw new CliException("cannot attach to pid " + pid + ": " + oneLine(e));
    } catch (LinkageError e) {
      throw new CliException("this Java runtime has no attach API (module jdk.attach): use a JDK");
    }
  }

  /**
   * On Linux, refuses a missing process or one that does not catch SIGQUIT: the attach mechanism
   * signals the target with SIGQUIT, which would kill a process that is not a JVM.
   */
  private static void checkLooksLikeJvm(long pid) {
    if (pid <= 0) {
      throw new CliException("invalid pid " + pid);
    }
    if (pid == ProcessHandle.current().pid()) {
      throw new CliException("pid " + pid + " is this tool itself");
    }
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc.resolve("self"))) {
      return;
    }
    Path status = proc.resolve(Long.toString(pid)).resolve("status");
    List<String> lines;
    try {
      lines = Files.readAllLines(status);
    } catch (IOException e) {
      throw new CliException("no process with pid " + pid);
    }
    if (Files.exists(proc.resolve(pid + "/root/tmp/.java_pid" + pid))
        || Files.exists(Path.of("/tmp/.java_pid" + pid))) {
      return; // the attach listener already runs: no signal is sent
    }
    for (String line : lines) {
      if (line.startsWith("SigCgt:")) {
        long caught = Long.parseUnsignedLong(line.substring(7).strip(), 16);
        if ((caught & (1L << 2)) == 0) {
          throw new CliException(
              "pid "
                  + pid
                  + " is not a Java VM that can be attached to (it does not handle SIGQUIT)");
        }
      }
    }
  }

  /** Loads the agent jar with {@code options} (may be null or empty). */
  void loadAgent(Path agentJar, String options) {
    try {
      vm.loadAgent(agentJar.toString(), options == null || options.isEmpty() ? null : options);
    } catch (AgentLoadException | AgentInitializationException e) {
      throw new CliException("pid " + pid + " refused the agent " + agentJar + ": " + oneLine(e));
    } catch (IOException e) {
      throw new CliException("loading the agent into pid " + pid + " failed: " + oneLine(e));
    }
  }

  /** The agent's snapshot JSON, or null when the agent's MBean is not registered. */
  String snapshotJson() {
    try {
      MBeanServerConnection server = jmx().getMBeanServerConnection();
      Object value = server.getAttribute(new ObjectName(AGENT_MBEAN), SNAPSHOT_ATTRIBUTE);
      if (value == null) {
        throw new CliException("pid " + pid + ": the agent returned no snapshot");
      }
      return value.toString();
    } catch (InstanceNotFoundException e) {
      return null;
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    } catch (CliException e) {
      throw e;
    } catch (Exception e) {
      throw new CliException("reading " + AGENT_MBEAN + " from pid " + pid + ": " + oneLine(e));
    }
  }

  /**
   * The options the running agent was started with, or null when the agent's MBean is not
   * registered (no agent, an agent that switched itself off, or one started with {@code
   * jmx=false}).
   */
  Map<String, String> agentOptions() {
    try {
      MBeanServerConnection server = jmx().getMBeanServerConnection();
      return options(server.getAttribute(new ObjectName(AGENT_MBEAN), OPTIONS_ATTRIBUTE));
    } catch (InstanceNotFoundException e) {
      return null;
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new CliException("reading " + AGENT_MBEAN + " from pid " + pid + ": " + oneLine(e));
    }
  }

  /** An MXBean's {@code Map<String, String>} (rows of key and value), or a plain map. */
  private static Map<String, String> options(Object value) {
    Map<String, String> options = new TreeMap<>();
    if (value instanceof TabularData table) {
      for (Object row : table.values()) {
        CompositeData data = (CompositeData) row;
        options.put(String.valueOf(data.get("key")), String.valueOf(data.get("value")));
      }
    } else if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> options.put(String.valueOf(k), String.valueOf(v)));
    }
    return options;
  }

  /** Polls for the agent's MBean for up to {@code millis}: its options, or null. */
  Map<String, String> awaitAgent(long millis, Progress progress) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      Map<String, String> options = agentOptions();
      if (options != null || System.nanoTime() > deadline) {
        return options;
      }
      progress.show("waiting for the agent in pid " + pid + " ...");
      pause();
    }
  }

  /** Polls until the agent's MBean is gone, for up to {@code millis}; whether it went. */
  boolean awaitAgentGone(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (agentOptions() != null) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause();
    }
    return true;
  }

  /** Whether this connection started the JVM's local JMX connector (it was not running). */
  boolean startedConnector() {
    return startedConnector;
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }

  /** Polls for the agent's snapshot for up to {@code millis}; null when it never appears. */
  String awaitSnapshotJson(long millis, Progress progress) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (true) {
      String json = snapshotJson();
      if (json != null || System.nanoTime() > deadline) {
        return json;
      }
      progress.show("waiting for the agent in pid " + pid + " ...");
      pause();
    }
  }

  private JMXConnector jmx() throws IOException {
    if (jmx == null) {
      String url = vm.getAgentProperties().getProperty(LOCAL_CONNECTOR);
      if (url == null) {
        url = vm.startLocalManagementAgent();
        startedConnector = true;
      }
      jmx = JMXConnectorFactory.connect(new JMXServiceURL(url));
    }
    return jmx;
  }

  @Override
  public void close() {
    try {
      if (jmx != null) {
        jmx.close();
      }
    } catch (IOException e) {
      // the target may have exited; nothing to release
    }
    try {
      vm.detach();
    } catch (IOException e) {
      // same
    }
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip();
  }
}
