package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.NatSignals;
import java.util.ArrayList;
import java.util.List;

/** The signs of address translation on a host, one line of evidence each. */
final class NatEvidence {

  private NatEvidence() {}

  static List<String> of(HostSample host) {
    List<String> signals = new ArrayList<>();
    Long pawsPassive = host.counters().pawsPassive();
    if (pawsPassive != null && pawsPassive > 0) {
      signals.add(
          "/proc/net/netstat TcpExt PAWSPassive = "
              + pawsPassive
              + " (SYNs dropped because a peer's timestamp went backwards)");
    }
    NatSignals nat = host.nat();
    if (nat == null) {
      return signals;
    }
    if (Boolean.TRUE.equals(nat.conntrackPresent())) {
      Long count = host.settings().nfConntrackCount();
      signals.add(
          "conntrack is loaded (/proc/sys/net/netfilter/nf_conntrack_count"
              + (count == null ? "" : " = " + count)
              + ")");
    }
    if (Boolean.TRUE.equals(nat.ipForward())) {
      signals.add("/proc/sys/net/ipv4/ip_forward = 1 (this host forwards packets)");
    }
    if (!nat.natInterfaces().isEmpty()) {
      signals.add(
          "container or Kubernetes interfaces (/sys/class/net): "
              + String.join(", ", nat.natInterfaces()));
    }
    if (!nat.privateAddresses().isEmpty()) {
      signals.add("private local addresses: " + String.join(", ", nat.privateAddresses()));
    }
    if (!nat.cgnatAddresses().isEmpty()) {
      signals.add("CGNAT local addresses (100.64/10): " + String.join(", ", nat.cgnatAddresses()));
    }
    return signals;
  }
}
