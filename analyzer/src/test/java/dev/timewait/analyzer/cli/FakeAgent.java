package dev.timewait.analyzer.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Stands in for the real agent in child JVMs: registers {@code dev.timewait:type=Agent} with a
 * {@code SnapshotJson} attribute read from a file, and unregisters it on {@code detach}. Run as a
 * main class (registers at start when given a file) or loaded as an agent jar.
 */
public final class FakeAgent {

  /** The MBean interface. */
  public interface AgentMBean {
    String getSnapshotJson();
  }

  private FakeAgent() {}

  /** {@code FakeAgent [snapshot-file]}: registers when a file is given, then waits to be killed. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      register(args[0]);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(120_000);
  }

  /** Agent entry: {@code detach} unregisters, anything else is the snapshot file to serve. */
  public static void agentmain(String options) throws Exception {
    ObjectName name = new ObjectName(JvmConnection.AGENT_MBEAN);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    if ("detach".equals(options)) {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      return;
    }
    register(options);
  }

  private static void register(String file) throws Exception {
    String json = Files.readString(Path.of(file));
    AgentMBean bean = () -> json;
    ManagementFactory.getPlatformMBeanServer()
        .registerMBean(
            new StandardMBean(bean, AgentMBean.class), new ObjectName(JvmConnection.AGENT_MBEAN));
  }
}
