package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code tcp_tw_recycle} on a host that translates addresses or sits behind a translator. */
public final class TwRecycleNatRule implements Rule {

  @Override
  public String id() {
    return "TW_RECYCLE_NAT";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null || !recycleOn(host)) {
      return Optional.empty();
    }
    List<String> nat = NatEvidence.forRecycle(input);
    if (nat.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    evidence.add("/proc/sys/net/ipv4/tcp_tw_recycle = " + host.settings().tcpTwRecycle());
    evidence.add(oldKernel(host));
    evidence.addAll(nat);
    List<SysctlSetting> asked = new ArrayList<>();
    return Optional.of(
        new Finding(
            id(),
            Severity.CRITICAL,
            "tcp_tw_recycle is ON and this host is involved in NAT: connections from clients behind"
                + " NAT are being dropped",
            evidence,
            turnOff(host, asked),
            List.of(References.RECYCLE_REMOVED, References.IP_SYSCTL),
            asked));
  }

  static boolean recycleOn(HostSample host) {
    Integer recycle = host.settings().tcpTwRecycle();
    return recycle != null && recycle != 0;
  }

  /** The kernel line of evidence shared by both recycle findings. */
  static String oldKernel(HostSample host) {
    return "/proc/sys/kernel/osrelease = "
        + KernelFacts.release(host)
        + " (tcp_tw_recycle exists only before 4.12)";
  }

  /** The remedy shared by both recycle findings; its setting goes to {@code asked}. */
  static String turnOff(HostSample host, List<SysctlSetting> asked) {
    StringBuilder text = new StringBuilder();
    text.append("Turn tcp_tw_recycle off now: ")
        .append(SysctlConfig.set(host, "net.ipv4.tcp_tw_recycle", "0", asked))
        .append(". Do NOT set net.ipv4.tcp_timestamps = 0 instead: that disables PAWS and")
        .append(" tcp_tw_reuse. Linux 4.12 removed tcp_tw_recycle because it drops SYNs from")
        .append(" clients that share an address; if TIME_WAIT is the reason it was set, reuse")
        .append(" connections (keep-alive, pooling) and use net.ipv4.tcp_tw_reuse = 1 on the")
        .append(" client side.");
    return text.toString();
  }
}
