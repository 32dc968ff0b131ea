package dev.timewait.core.host.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.timewait.core.host.PortRange;
import dev.timewait.core.host.PortRanges;
import dev.timewait.core.host.SysctlFileEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SysctlParsingTest {

  @Test
  void usablePortsAreTheRangeMinusReservedPortsInsideIt() {
    PortRange range = PortRanges.of("32768\t60999", "8080,40000-40009,61000-61010");

    assertEquals(28232, range.size());
    assertEquals(10, range.reservedInRange());
    assertEquals(28222, range.usable());
  }

  @Test
  void oddRangesAndReservedListsDoNotCrash() {
    assertNull(PortRanges.of("60999 32768", ""));
    assertNull(PortRanges.of("abc", ""));
    assertNull(PortRanges.of(null, ""));
    assertEquals(0, PortRanges.of("1024 2047", "x,,2000-y").reservedInRange());
    assertEquals(1024, PortRanges.of("1024 2047", null).usable());
  }

  @Test
  void configFileLinesGiveKeyValueFileAndLine() {
    List<SysctlFileEntry> entries = new ArrayList<>();
    SysctlConfigScanner.parse(
        "/etc/sysctl.d/1.conf",
        "# comment\n; other comment\nnet.ipv4.tcp_tw_reuse=1\n\n"
            + " -net/ipv4/tcp_tw_recycle = 1 \nno equals sign\n",
        entries);

    assertEquals(
        List.of(
            new SysctlFileEntry("net.ipv4.tcp_tw_reuse", "1", "/etc/sysctl.d/1.conf", 3),
            new SysctlFileEntry("net.ipv4.tcp_tw_recycle", "1", "/etc/sysctl.d/1.conf", 5)),
        entries);
  }
}
