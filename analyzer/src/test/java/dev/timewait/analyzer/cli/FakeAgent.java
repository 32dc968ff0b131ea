package dev.timewait.analyzer.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Stands in for the real agent in child JVMs: registers {@code dev.timewait:type=Agent} as an
 * MXBean with {@code SnapshotJson} read from a file and {@code Options} as given, and unregisters
 * it on {@code detach}. Its options are {@code served=FILE[,k=v...]}; {@code off=true} makes it
 * stay off as the real agent does with bad options, and a second start is ignored, as the real
 * agent ignores it. Run as a main class (registers at start when given options) or loaded as an
 * agent jar.
 */
public final class FakeAgent {

  /** The MBean interface. */
  public interface AgentMXBean {
    String getSnapshotJson();

    Map<String, String> getOptions();
  }

  private FakeAgent() {}

  /** {@code FakeAgent [options]}: registers when options are given, then waits to be killed. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0) {
      agentmain(args[0]);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(120_000);
  }

  /** Agent entry: {@code detach} unregisters, anything else starts it unless it runs already. */
  public static void agentmain(String options) throws Exception {
    ObjectName name = new ObjectName(JvmConnection.AGENT_MBEAN);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    if ("detach".equals(options)) {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
      return;
    }
    if (server.isRegistered(name)) {
      System.err.println("fake agent: already running; ignoring the new start");
      return;
    }
    Map<String, String> given = new LinkedHashMap<>();
    for (String pair : options.split(",")) {
      int eq = pair.indexOf('=');
      given.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    if (given.containsKey("off")) {
      System.err.println("fake agent: told to stay off; agent disabled");
      return;
    }
    String json = Files.readString(Path.of(given.get("served")));
    AgentMXBean bean =
        new AgentMXBean() {
          @Override
          public String getSnapshotJson() {
            return json;
          }

          @Override
          public Map<String, String> getOptions() {
            return given;
          }
        };
    server.registerMBean(new StandardMBean(bean, AgentMXBean.class, true), name);
  }
}
