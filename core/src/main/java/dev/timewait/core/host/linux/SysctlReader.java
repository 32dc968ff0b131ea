package dev.timewait.core.host.linux;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.KernelSettings;
import dev.timewait.core.host.PortRange;
import dev.timewait.core.host.PortRanges;
import java.util.List;

/** Reads the TIME_WAIT-related sysctls from {@code /proc/sys} under a host root. */
public final class SysctlReader {

  private static final String IPV4 = "/proc/sys/net/ipv4/";
  private static final String NETFILTER = "/proc/sys/net/netfilter/";

  /**
   * Every file under {@code /proc/sys/net} that {@link #read} and the collector read: the kernel
   * shows them for the reader's network namespace, so another namespace's are read inside it.
   */
  public static final List<String> NAMESPACE_FILES =
      List.of(
          IPV4 + "ip_local_port_range",
          IPV4 + "ip_local_reserved_ports",
          IPV4 + "tcp_tw_reuse",
          IPV4 + "tcp_tw_reuse_delay",
          IPV4 + "tcp_tw_recycle",
          IPV4 + "tcp_timestamps",
          IPV4 + "tcp_fin_timeout",
          IPV4 + "tcp_max_tw_buckets",
          IPV4 + "ip_forward",
          NETFILTER + "nf_conntrack_count",
          NETFILTER + "nf_conntrack_max",
          NETFILTER + "nf_conntrack_tcp_timeout_time_wait");

  private SysctlReader() {}

  /**
   * The settings; absent files give null fields. Adds a line to {@code unavailable} when {@code
   * /proc/sys/net/ipv4} itself is missing.
   */
  public static KernelSettings read(HostRoot root, List<String> unavailable) {
    if (!root.exists(IPV4)) {
      unavailable.add("sysctls: " + IPV4 + " not found under " + root);
      return KernelSettings.unknown();
    }
    String range = root.readLine(IPV4 + "ip_local_port_range");
    String reservedText = root.read(IPV4 + "ip_local_reserved_ports");
    String reserved = reservedText == null ? null : reservedText.strip(); // "" when none reserved
    PortRange ports = PortRanges.of(range, reserved);
    if (range == null) {
      unavailable.add("ephemeral port range: " + IPV4 + "ip_local_port_range not readable");
    } else if (ports == null) {
      unavailable.add(
          "ephemeral port range: " + IPV4 + "ip_local_port_range is not two port numbers");
    }
    return new KernelSettings(
        integer(root, IPV4 + "tcp_tw_reuse"),
        number(root, IPV4 + "tcp_tw_reuse_delay"),
        integer(root, IPV4 + "tcp_tw_recycle"),
        integer(root, IPV4 + "tcp_timestamps"),
        number(root, IPV4 + "tcp_fin_timeout"),
        number(root, IPV4 + "tcp_max_tw_buckets"),
        ports,
        reserved,
        integer(root, IPV4 + "ip_forward"),
        number(root, NETFILTER + "nf_conntrack_count"),
        number(root, NETFILTER + "nf_conntrack_max"),
        number(root, NETFILTER + "nf_conntrack_tcp_timeout_time_wait"));
  }

  private static Long number(HostRoot root, String path) {
    String line = root.readLine(path);
    return line == null ? null : SockstatParser.parseLong(line);
  }

  private static Integer integer(HostRoot root, String path) {
    Long value = number(root, path);
    return value == null ? null : (int) (long) value;
  }
}
