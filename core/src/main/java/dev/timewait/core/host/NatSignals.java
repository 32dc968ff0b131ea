package dev.timewait.core.host;

import java.util.List;

/**
 * Signs that this host translates addresses (conntrack, forwarding, container or Kubernetes
 * interfaces) or sits behind a translator (private or CGNAT addresses).
 *
 * @param conntrackPresent whether conntrack is loaded, or null when unknown
 * @param conntrackFill {@code nf_conntrack_count / nf_conntrack_max}, 0..1, or null when unknown
 * @param ipForward whether {@code ip_forward} is 1, or null when unknown
 * @param natInterfaces interfaces whose names show container or Kubernetes networking (docker0,
 *     cni0, flannel*, cali*, veth*, kube-ipvs0)
 * @param privateAddresses local addresses in 10/8, 172.16/12, 192.168/16 or fc00::/7
 * @param cgnatAddresses local addresses in 100.64/10
 */
public record NatSignals(
    Boolean conntrackPresent,
    Double conntrackFill,
    Boolean ipForward,
    List<String> natInterfaces,
    List<String> privateAddresses,
    List<String> cgnatAddresses) {

  public NatSignals {
    natInterfaces = List.copyOf(natInterfaces);
    privateAddresses = List.copyOf(privateAddresses);
    cgnatAddresses = List.copyOf(cgnatAddresses);
  }

  /** Whether this host looks like it translates addresses for others. */
  public boolean hostDoesNat() {
    return Boolean.TRUE.equals(ipForward) && (Boolean.TRUE.equals(conntrackPresent))
        || !natInterfaces.isEmpty();
  }

  /** Whether this host's own addresses suggest it reaches the world through NAT. */
  public boolean hostBehindNat() {
    return !privateAddresses.isEmpty() || !cgnatAddresses.isEmpty();
  }
}
