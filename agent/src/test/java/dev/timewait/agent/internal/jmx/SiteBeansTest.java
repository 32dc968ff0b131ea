package dev.timewait.agent.internal.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** One {@code type=Site} bean per code site row, read live, registered once, capped. */
class SiteBeansTest {

  @Test
  void eachRowGetsOneBeanThatReadsItsCountersWhenAsked() throws Exception {
    CloseRecorder recorder = new CloseRecorder(1000, 1000, 1024);
    CodeSite open = new CodeSite("App.open(App.java:1)", List.of(), true, null);
    CodeSite viaDriver =
        new CodeSite("App.query(App.java:9)", List.of(), true, "org.postgresql:postgresql:42.7.4");
    // sites are interned by the resolver: one instance per frame
    CodeSite close = new CodeSite("App.close(App.java:2)", List.of());
    record(recorder, close, open, CloseKind.ACTIVE);
    record(recorder, viaDriver, viaDriver, CloseKind.PASSIVE);

    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<ObjectName> names = new ArrayList<>();
    SiteBeans beans = new SiteBeans(recorder);
    SiteBeans.Registrar registrar =
        (name, bean) -> {
          ObjectName objectName = new ObjectName(name + ",test=siteBeans");
          server.registerMBean(bean, objectName);
          names.add(objectName);
        };
    try {
      assertEquals(2, beans.registerNew(registrar));
      assertEquals(0, beans.registerNew(registrar), "a row has one bean");
      // a sampled close past siteRate that stands for 5: the row's counts become estimates
      recorder.record(
          close,
          open,
          Role.CLIENT,
          CloseKind.ACTIVE,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 40001),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432),
          0,
          5);

      Map<String, String> read = new TreeMap<>();
      for (ObjectName name : names) {
        read.put(
            (String) server.getAttribute(name, "Site"),
            server.getAttribute(name, "OpenSite")
                + " "
                + server.getAttribute(name, "Role")
                + " "
                + server.getAttribute(name, "Via")
                + " "
                + server.getAttribute(name, "Active")
                + "/"
                + server.getAttribute(name, "Passive")
                + "/"
                + server.getAttribute(name, "Abortive")
                + " estimated "
                + server.getAttribute(name, "Estimated"));
      }
      assertEquals(
          Map.of(
              "App.close(App.java:2)", "App.open(App.java:1) client - 6/0/0 estimated 5",
              "App.query(App.java:9)",
                  "App.query(App.java:9) client org.postgresql:postgresql:42.7.4 0/1/0 estimated 0"),
          read);
    } finally {
      for (ObjectName name : names) {
        server.unregisterMBean(name);
      }
    }
  }

  @Test
  void onlyTheFirstRowsGetABean() throws Exception {
    CloseRecorder recorder = new CloseRecorder(1000, 1000, 1024);
    CodeSite open = new CodeSite("App.open(App.java:1)", List.of());
    for (int i = 0; i < SiteBeans.MAX_BEANS + 20; i++) {
      record(
          recorder, new CodeSite("App.s" + i + "(App.java:3)", List.of()), open, CloseKind.ACTIVE);
    }
    List<String> names = new ArrayList<>();
    SiteBeans beans = new SiteBeans(recorder);

    assertEquals(SiteBeans.MAX_BEANS, beans.registerNew((name, bean) -> names.add(name)));
    assertEquals(0, beans.registerNew((name, bean) -> names.add(name)));
    assertEquals("dev.timewait:type=Site,id=1", names.get(0));
    assertEquals("dev.timewait:type=Site,id=" + SiteBeans.MAX_BEANS, names.get(names.size() - 1));
  }

  private static void record(
      CloseRecorder recorder, CodeSite close, CodeSite open, CloseKind kind) {
    InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432);
    recorder.record(close, open, Role.CLIENT, kind, local, remote, 0);
  }
}
