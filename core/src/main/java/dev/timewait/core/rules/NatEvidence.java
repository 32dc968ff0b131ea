package dev.timewait.core.rules;

import dev.timewait.core.host.ConntrackEntries;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.NatSignals;
import dev.timewait.core.host.TcpCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * The signs of address translation on a host, one line of evidence each. Only evidence of NAT
 * counts: forwarding, NAT rules, conntrack entries that translate, container interfaces, peers
 * dropped by {@code tcp_tw_recycle}. Conntrack being loaded is none (a kernel with conntrack built
 * in has it in every namespace, with 0 entries), and neither is a private address by itself.
 */
final class NatEvidence {

  private NatEvidence() {}

  /** Evidence that this host translates addresses; empty when there is none. */
  static List<String> of(AnalysisInput input) {
    HostSample host = input.host();
    List<String> signals = new ArrayList<>();
    if (host == null) {
      return signals;
    }
    CounterChange paws = CounterChange.of(input, TcpCounters::pawsPassive);
    if (paws != null && (paws.grew() || (paws.delta() == null && paws.now() > 0))) {
      signals.add(
          "/proc/net/netstat TcpExt "
              + paws.describe("PAWSPassive")
              + " (SYNs dropped because a peer's timestamp went backwards: peers share addresses)");
    }
    NatSignals nat = host.nat();
    if (nat == null) {
      return signals;
    }
    if (Boolean.TRUE.equals(nat.ipForward())) {
      signals.add("/proc/sys/net/ipv4/ip_forward = 1 (this host forwards packets)");
    }
    for (String table : nat.natTables()) {
      signals.add("iptables NAT rules loaded (" + table + ")");
    }
    ConntrackEntries entries = nat.conntrackEntries();
    if (nat.conntrackTranslates()) {
      signals.add(
          "/proc/net/nf_conntrack: "
              + entries.translated()
              + " of "
              + (entries.truncated() ? "the first " : "")
              + entries.read()
              + " entries translate addresses (e.g. "
              + entries.example()
              + ")");
    }
    if (!nat.natInterfaces().isEmpty()) {
      signals.add(
          "container or Kubernetes interfaces (/proc/net/dev): "
              + String.join(", ", nat.natInterfaces()));
    }
    return signals;
  }

  /** Facts that support the evidence but prove nothing alone. */
  static List<String> context(HostSample host) {
    List<String> lines = new ArrayList<>();
    NatSignals nat = host.nat();
    if (nat == null) {
      return lines;
    }
    Long count = host.settings().nfConntrackCount();
    Long max = host.settings().nfConntrackMax();
    ConntrackEntries entries = nat.conntrackEntries();
    if (count != null && max != null) {
      lines.add(
          "/proc/sys/net/netfilter/nf_conntrack_count = "
              + count
              + " of nf_conntrack_max = "
              + max
              + (entries != null && entries.read() > 0
                  ? ", " + entries.tcpTimeWait() + " of the entries read in TCP TIME_WAIT"
                  : ""));
    }
    if (!nat.privateAddresses().isEmpty()) {
      lines.add("private local addresses: " + String.join(", ", nat.privateAddresses()));
    }
    if (!nat.cgnatAddresses().isEmpty()) {
      lines.add("CGNAT local addresses (100.64/10): " + String.join(", ", nat.cgnatAddresses()));
    }
    return lines;
  }

  /**
   * What makes {@code tcp_tw_recycle} drop connections: NAT on this host, or clients that share
   * addresses, which a host in a private or CGNAT range is likely to serve through a translator.
   */
  static List<String> forRecycle(AnalysisInput input) {
    List<String> lines = new ArrayList<>(of(input));
    NatSignals nat = input.host() == null ? null : input.host().nat();
    if (nat != null && !nat.privateAddresses().isEmpty()) {
      lines.add("private local addresses: " + String.join(", ", nat.privateAddresses()));
    }
    if (nat != null && !nat.cgnatAddresses().isEmpty()) {
      lines.add("CGNAT local addresses (100.64/10): " + String.join(", ", nat.cgnatAddresses()));
    }
    return lines;
  }
}
