package dev.timewait.agent.internal.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.jmx.HostBean;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code dev.timewait:type=Host} says before the host monitor's first sample, and after one
 * (here, beside the monitor, to take that sample).
 */
class HostBeanTest {

  @TempDir Path dir;

  private static HostMonitor monitor(Path root) {
    return new HostMonitor(
        () -> new LinuxProcCollector(HostRoot.of(root)),
        new CloseRecorder(10, 10, 64),
        new AgentErrors(),
        1000,
        1000);
  }

  @Test
  void beforeTheFirstSampleNoNumberIsMadeUp() {
    HostBean bean = new HostBean(monitor(HostTreeBuilder.healthy(dir).build()));
    assertNull(bean.getTimeWait());
    assertNull(bean.getCloseWait());
    assertNull(bean.getConfirmedTimeWait());
    assertNull(bean.getConfirmedShare());
    assertNull(bean.getOwnedShareOfHost());
    assertNull(bean.getTimeWaitOverflows());
    assertNull(bean.getMaxTimeWaitBuckets());
    assertNull(bean.getTwRecycle());
    assertNull(bean.getLastTableSampleMillis());
    assertNull(bean.getNetworkNamespace());
  }

  @Test
  void theNetworkNamespaceIsNamedByHostNameAndInode() throws Exception {
    Path root = HostTreeBuilder.healthy(dir).file("/proc/sys/kernel/hostname", "web-7\n").build();
    Files.createDirectories(root.resolve("proc/self/ns"));
    Files.createSymbolicLink(root.resolve("proc/self/ns/net"), Path.of("net:[4026531840]"));
    HostMonitor monitor = monitor(root);
    HostBean bean = new HostBean(monitor);
    monitor.sampleTable(System.currentTimeMillis());
    assertEquals("web-7/4026531840", bean.getNetworkNamespace());
  }

  @Test
  void afterASampleTheKnownNumbersAreThereAndAMissingSettingStaysAbsent() {
    HostMonitor monitor =
        monitor(
            HostTreeBuilder.healthy(dir)
                .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 12)
                .build());
    HostBean bean = new HostBean(monitor);
    monitor.sampleTable(System.currentTimeMillis());
    assertTrue(bean.getTimeWaitByDestination().values().iterator().next() >= 12);
    assertNotNull(bean.getTimeWait());
    assertEquals(0, bean.getCloseWait());
    assertEquals(0, bean.getConfirmedTimeWait());
    assertNull(bean.getConfirmedShare(), "no recent active close: no share");
    assertNotNull(bean.getLastTableSampleMillis());
    assertNull(bean.getTwRecycle(), "a 6.1 kernel has no tcp_tw_recycle");
  }

  @Test
  void anOldKernelShowsItsRecycleSetting() {
    HostMonitor monitor =
        monitor(
            HostTreeBuilder.healthy(dir)
                .kernel("4.9.0-19-amd64")
                .sysctl("net.ipv4.tcp_tw_recycle", "1")
                .build());
    monitor.sampleTable(System.currentTimeMillis());
    assertEquals(1, new HostBean(monitor).getTwRecycle());
  }
}
