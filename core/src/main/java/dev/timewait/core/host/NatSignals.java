package dev.timewait.core.host;

import java.util.List;

/**
 * Signs that this host translates addresses (forwarding, NAT rules, conntrack entries that
 * translate, container or Kubernetes interfaces) or sits behind a translator (private or CGNAT
 * addresses).
 *
 * @param conntrackPresent whether conntrack is loaded, or null when unknown (loaded is no sign of
 *     NAT by itself: a kernel with conntrack built in has it in every namespace)
 * @param conntrackFill {@code nf_conntrack_count / nf_conntrack_max}, 0..1, or null when unknown
 * @param ipForward whether {@code ip_forward} is 1, or null when unknown
 * @param natInterfaces interfaces whose names show container or Kubernetes networking (docker0,
 *     cni0, flannel*, cali*, veth*, kube-ipvs0)
 * @param privateAddresses local addresses in 10/8, 172.16/12, 192.168/16 or fc00::/7
 * @param cgnatAddresses local addresses in 100.64/10
 * @param natTables iptables {@code nat} tables loaded ({@code /proc/net/ip_tables_names}, {@code
 *     ip6_tables_names}), e.g. {@code ip_tables_names: nat}
 * @param conntrackEntries what the conntrack table holds, or null when it was not read
 */
public record NatSignals(
    Boolean conntrackPresent,
    Double conntrackFill,
    Boolean ipForward,
    List<String> natInterfaces,
    List<String> privateAddresses,
    List<String> cgnatAddresses,
    List<String> natTables,
    ConntrackEntries conntrackEntries) {

  public NatSignals {
    natInterfaces = List.copyOf(natInterfaces);
    privateAddresses = List.copyOf(privateAddresses);
    cgnatAddresses = List.copyOf(cgnatAddresses);
    natTables = natTables == null ? List.of() : List.copyOf(natTables);
  }

  /** Signals without NAT tables or conntrack entries (a platform that shows neither). */
  public NatSignals(
      Boolean conntrackPresent,
      Double conntrackFill,
      Boolean ipForward,
      List<String> natInterfaces,
      List<String> privateAddresses,
      List<String> cgnatAddresses) {
    this(
        conntrackPresent,
        conntrackFill,
        ipForward,
        natInterfaces,
        privateAddresses,
        cgnatAddresses,
        List.of(),
        null);
  }

  /** Whether conntrack holds entries that translate addresses. */
  public boolean conntrackTranslates() {
    return conntrackEntries != null && conntrackEntries.translated() > 0;
  }

  /**
   * Whether this host shows evidence of translating addresses for others: it forwards packets, has
   * NAT rules, conntrack entries that translate, or container interfaces.
   */
  public boolean hostDoesNat() {
    return Boolean.TRUE.equals(ipForward)
        || !natTables.isEmpty()
        || conntrackTranslates()
        || !natInterfaces.isEmpty();
  }

  /** Whether this host's own addresses suggest it reaches the world through NAT. */
  public boolean hostBehindNat() {
    return !privateAddresses.isEmpty() || !cgnatAddresses.isEmpty();
  }
}
