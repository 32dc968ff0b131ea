package dev.timewait.core.host;

import java.util.ArrayList;
import java.util.List;

/** Turns settings, interface names and local addresses into {@link NatSignals}. */
public final class NatSignalDetector {

  private static final List<String> NAT_INTERFACE_PREFIXES =
      List.of("docker", "cni", "flannel", "cali", "veth", "kube-ipvs", "cilium", "weave", "br-");

  private NatSignalDetector() {}

  /**
   * Signals from settings, interfaces and addresses alone (no NAT tables, no conntrack entries).
   */
  public static NatSignals detect(
      KernelSettings settings,
      Boolean conntrackPresent,
      List<String> interfaces,
      List<String> addresses) {
    return detect(settings, conntrackPresent, interfaces, addresses, List.of(), null);
  }

  /**
   * @param settings sysctls (conntrack and forwarding)
   * @param conntrackPresent whether conntrack is loaded, or null when unknown
   * @param interfaces interface names
   * @param addresses local addresses in canonical text
   * @param natTables loaded iptables {@code nat} tables, one line each
   * @param conntrackEntries what the conntrack table holds, or null when not read
   */
  public static NatSignals detect(
      KernelSettings settings,
      Boolean conntrackPresent,
      List<String> interfaces,
      List<String> addresses,
      List<String> natTables,
      ConntrackEntries conntrackEntries) {
    List<String> natInterfaces = new ArrayList<>();
    for (String name : interfaces) {
      for (String prefix : NAT_INTERFACE_PREFIXES) {
        if (name.startsWith(prefix)) {
          natInterfaces.add(name);
          break;
        }
      }
    }
    List<String> privateAddresses = new ArrayList<>();
    List<String> cgnatAddresses = new ArrayList<>();
    for (String address : addresses) {
      if (isCgnat(address)) {
        cgnatAddresses.add(address);
      } else if (isPrivate(address)) {
        privateAddresses.add(address);
      }
    }
    Double fill = null;
    if (settings.nfConntrackCount() != null
        && settings.nfConntrackMax() != null
        && settings.nfConntrackMax() > 0) {
      fill = (double) settings.nfConntrackCount() / settings.nfConntrackMax();
    }
    Boolean forward = settings.ipForward() == null ? null : settings.ipForward() == 1;
    return new NatSignals(
        conntrackPresent,
        fill,
        forward,
        natInterfaces,
        privateAddresses,
        cgnatAddresses,
        natTables,
        conntrackEntries);
  }

  /** 10/8, 172.16/12, 192.168/16, or IPv6 unique local fc00::/7. */
  public static boolean isPrivate(String address) {
    int[] octets = ipv4Octets(address);
    if (octets != null) {
      return octets[0] == 10
          || (octets[0] == 172 && octets[1] >= 16 && octets[1] <= 31)
          || (octets[0] == 192 && octets[1] == 168);
    }
    String lower = address.toLowerCase();
    return lower.indexOf(':') > 0 && (lower.startsWith("fc") || lower.startsWith("fd"));
  }

  /** 100.64/10, the carrier-grade NAT range. */
  public static boolean isCgnat(String address) {
    int[] octets = ipv4Octets(address);
    return octets != null && octets[0] == 100 && octets[1] >= 64 && octets[1] <= 127;
  }

  private static int[] ipv4Octets(String address) {
    String[] parts = address.split("\\.");
    if (parts.length != 4) {
      return null;
    }
    int[] octets = new int[4];
    try {
      for (int i = 0; i < 4; i++) {
        octets[i] = Integer.parseInt(parts[i]);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return octets;
  }
}
