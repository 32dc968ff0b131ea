package dev.timewait.core.rules;

import static dev.timewait.core.rules.RulesTest.all;
import static dev.timewait.core.rules.RulesTest.find;
import static dev.timewait.core.rules.TestHosts.input;
import static dev.timewait.testing.HostTreeBuilder.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAT_DETECTED on evidence of NAT only; server-side TIME_WAIT of a server that stopped. */
class NatAndServerSideTest {

  static final String TRANSLATED =
      "ipv4     2 tcp      6 117 TIME_WAIT src=10.231.1.2 dst=10.231.2.2 sport=45634 dport=8080"
          + " src=10.231.2.2 dst=10.231.2.1 sport=8080 dport=45634 [ASSURED] mark=0 zone=0 use=2\n";
  static final String PLAIN =
      "ipv4     2 tcp      6 431999 ESTABLISHED src=10.231.1.2 dst=10.231.1.1 sport=40000"
          + " dport=22 src=10.231.1.1 dst=10.231.1.2 sport=22 dport=40000 [ASSURED] mark=0 zone=0"
          + " use=2\n";

  @TempDir Path dir;

  /** conntrack built in, 0 entries, an fd00::/8 address, no forwarding: a plain host. */
  HostTreeBuilder plain(String name) {
    return healthy(dir.resolve(name))
        .kernel("6.18.44")
        .sysctl("net.netfilter.nf_conntrack_count", "0")
        .sysctl("net.netfilter.nf_conntrack_max", "262144")
        .sysctl("net.netfilter.nf_conntrack_tcp_timeout_time_wait", "120")
        .file("/proc/net/nf_conntrack", "")
        .file(
            "/proc/net/if_inet6",
            "fd000000000000000000000000000001 02 40 00 80     eth0\n"
                + "00000000000000000000000000000001 01 80 10 80       lo\n");
  }

  @Test
  void conntrackLoadedAndAUniqueLocalAddressAreNoNat() {
    AnalysisInput input = input(plain("plain"));
    assertNull(find(input, "NAT_DETECTED"));
    assertNotNull(find(input, "HEALTHY"));
  }

  @Test
  void plainConntrackEntriesAreNoNat() {
    assertNull(
        find(
            input(
                plain("entries")
                    .sysctl("net.netfilter.nf_conntrack_count", "1")
                    .file("/proc/net/nf_conntrack", PLAIN)),
            "NAT_DETECTED"));
  }

  @Test
  void translatingEntriesAreNat() {
    HostTreeBuilder tree =
        plain("nat")
            .sysctl("net.netfilter.nf_conntrack_count", "2")
            .file("/proc/net/nf_conntrack", PLAIN + TRANSLATED);
    Finding finding = find(input(tree), "NAT_DETECTED");
    assertNotNull(finding);
    assertEquals(Severity.INFO, finding.severity());
    assertTrue(
        all(finding)
            .contains(
                "1 of 2 entries translate addresses (e.g. 10.231.1.2:45634 -> 10.231.2.2:8080, seen by 10.231.2.2 as from 10.231.2.1:45634)"),
        all(finding));
    assertTrue(all(finding).contains("1 of the entries read in TCP TIME_WAIT"), all(finding));
    assertFalse(
        all(finding).contains("tcp_tw_recycle"), "6.18 has no tcp_tw_recycle: " + all(finding));
    assertTrue(finding.recommendation().contains("120 s"), finding.recommendation());
  }

  @Test
  void forwardingIsNatAndOldKernelsHearAboutRecycle() {
    HostTreeBuilder tree =
        plain("old")
            .kernel("4.9.0-19-amd64")
            .sysctl("net.ipv4.tcp_tw_recycle", "0")
            .sysctl("net.ipv4.ip_forward", "1");
    Finding finding = find(input(tree), "NAT_DETECTED");
    assertTrue(all(finding).contains("ip_forward = 1"), all(finding));
    assertTrue(finding.recommendation().contains("Keep net.ipv4.tcp_tw_recycle = 0"));
  }

  @Test
  void iptablesNatTableIsNat() {
    Finding finding =
        find(
            input(plain("iptables").file("/proc/net/ip_tables_names", "filter\nnat\n")),
            "NAT_DETECTED");
    assertNotNull(finding);
    assertTrue(all(finding).contains("/proc/net/ip_tables_names: nat"), all(finding));
    assertNull(
        find(input(plain("filter").file("/proc/net/ip_tables_names", "filter\n")), "NAT_DETECTED"));
  }

  @Test
  void stoppedServerOnPort8080IsReported() {
    HostTreeBuilder tree =
        healthy(dir.resolve("stopped")).sysctl("net.ipv4.ip_local_port_range", "32768\t60999");
    for (int i = 0; i < 3000; i++) {
      tree.timeWait(HostTreeBuilder.LOCAL, 8081, "198.51.100." + (i % 40), 40000 + i, 30);
    }
    AnalysisInput input = input(tree);
    Finding finding = find(input, "SERVER_ACTIVE_CLOSE");
    assertNotNull(finding, "3,000 server-side TIME_WAIT sockets are not a healthy host");
    assertTrue(
        all(finding)
            .contains(
                "port 8081 (nothing listens there now): 3000 TIME_WAIT sockets from 40 remote addresses"),
        all(finding));
    assertNull(find(input, "PORT_EXHAUSTION_RISK"));
  }

  @Test
  void healthyIsNoProblem() {
    Finding healthy = find(input(healthy(dir)), "HEALTHY");
    assertFalse(Analyzer.isProblem(healthy));
    assertTrue(
        Analyzer.isProblem(
            find(
                input(healthy(dir.resolve("myth")).sysctl("net.ipv4.tcp_fin_timeout", "30")),
                "FIN_TIMEOUT_MYTH")));
  }
}
