package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.timewait.agent.internal.jmx.AgentMXBean;
import dev.timewait.agent.internal.jmx.ClosesMXBean;
import dev.timewait.agent.internal.jmx.FindingsMXBean;
import dev.timewait.agent.internal.jmx.HostMXBean;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * Real JMX clients on the agent's MBeans: jmxterm, with none of timewait's classes, reads every
 * attribute; a remote listener receives the Findings MBean's notifications.
 */
class JmxConsoleIT {
  private static final Path JAVA = Jdk.current().java();
  private static final Path JMXTERM =
      Path.of(System.getProperty("timewait.jmxtermJar", "target/jmx-clients/jmxterm-uber.jar"));
  private static final ObjectName FINDINGS = name("dev.timewait:type=Findings");

  /** Every attribute of every timewait MBean, by object name, from the MXBean interfaces. */
  static Map<String, List<String>> attributes() {
    Map<String, List<String>> all = new TreeMap<>();
    all.put("dev.timewait:type=Closes", attributes(ClosesMXBean.class));
    all.put("dev.timewait:type=Host", attributes(HostMXBean.class));
    all.put("dev.timewait:type=Agent", attributes(AgentMXBean.class));
    all.put("dev.timewait:type=Findings", attributes(FindingsMXBean.class));
    return all;
  }

  private static List<String> attributes(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Method m : type.getMethods()) {
      String n = m.getName();
      if (n.startsWith("get")) {
        names.add(n.substring(3));
      } else if (n.startsWith("is")) {
        names.add(n.substring(2));
      }
    }
    return names;
  }

  @Test
  void jmxtermReadsEveryAttributeAndARemoteListenerHearsAFinding() throws Exception {
    try (ChildJvm child =
        ChildJvm.builder()
            .agent(
                "jmxDelay=0s,interval=300ms,hostInterval=300ms,tableInterval=500ms,"
                    + "closeWaitAfter=300ms,thresholds=churnPerMinute=5")
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      String url = localJmxUrl(child.pid());
      BlockingQueue<Notification> heard = new LinkedBlockingQueue<>();
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
        MBeanServerConnection mbeans = connector.getMBeanServerConnection();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!mbeans.isRegistered(FINDINGS) && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
        }
        mbeans.addNotificationListener(FINDINGS, (n, handback) -> heard.add(n), null, null);
        child.send("closes 20");
        child.awaitLine("done 20");
        Notification raised = await(heard, FindingsMXBean.RAISED, "CLIENT_CHURN_SITE");
        assertTrue(
            raised.getMessage().startsWith("warning CLIENT_CHURN_SITE raised"),
            raised.getMessage());
        assertEquals(FINDINGS, raised.getSource());
        assertTrue((Integer) mbeans.getAttribute(FINDINGS, "WarningCount") >= 1);

        child.send("leak 2");
        child.awaitLine("leaked 2");
        Notification leak = await(heard, FindingsMXBean.RAISED, "CLOSE_WAIT_LEAK");
        assertTrue(leak.getMessage().startsWith("critical CLOSE_WAIT_LEAK"), leak.getMessage());
        child.send("release");
        child.awaitLine("released 2");
        await(heard, FindingsMXBean.CLEARED, "CLOSE_WAIT_LEAK");
      }

      // Fresh churn, so that the churn finding is current while jmxterm reads the table: its rate
      // is measured against an earlier snapshot and clears once the churn stops.
      child.send("closes 20");
      child.awaitLine("done 20");
      StringBuilder script = new StringBuilder();
      for (Map.Entry<String, List<String>> bean : attributes().entrySet()) {
        for (String attribute : bean.getValue()) {
          script.append("get -b ").append(bean.getKey()).append(' ').append(attribute).append('\n');
        }
      }
      script.append("quit\n");
      Process jmxterm =
          new ProcessBuilder(
                  JAVA.toString(), "-jar", JMXTERM.toString(), "-l", url, "-n", "-v", "silent")
              .start();
      jmxterm.getOutputStream().write(script.toString().getBytes(StandardCharsets.UTF_8));
      jmxterm.getOutputStream().close();
      String out = new String(jmxterm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(jmxterm.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(jmxterm.waitFor(60, TimeUnit.SECONDS), "jmxterm did not finish");
      assertFalse(err.contains("Exception"), err);
      for (List<String> names : attributes().values()) {
        for (String attribute : names) {
          assertTrue(out.contains(attribute + " = "), attribute + " missing:\n" + out + err);
        }
      }
      assertTrue(out.contains("PassiveCloses = 42;"), "40 server-side and 2 leaked: " + out);
      assertTrue(out.contains("CLIENT_CHURN_SITE"), "the Findings table shows the finding");
      assertTrue(out.contains("LifecycleApp.closeFirst("), "the site rows show the site");
      child.send("exit");
      child.finish(30);
    }
  }

  /** The next notification of {@code type} about finding {@code id}, within 20 s. */
  private static Notification await(BlockingQueue<Notification> heard, String type, String id)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      Notification n = heard.poll(1, TimeUnit.SECONDS);
      if (n != null && n.getType().equals(type) && id.equals(n.getUserData())) {
        return n;
      }
    }
    throw new AssertionError("no " + type + " for " + id + " within 20 s");
  }

  static String localJmxUrl(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      return vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
  }

  private static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
