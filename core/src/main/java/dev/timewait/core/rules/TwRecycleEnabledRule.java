package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code tcp_tw_recycle} on, with no sign of address translation (yet). */
public final class TwRecycleEnabledRule implements Rule {

  @Override
  public String id() {
    return "TW_RECYCLE_ENABLED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null
        || !TwRecycleNatRule.recycleOn(host)
        || !NatEvidence.forRecycle(input).isEmpty()) {
      return Optional.empty();
    }
    List<SysctlSetting> asked = new ArrayList<>();
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "tcp_tw_recycle is ON: any client behind NAT will see dropped connections",
            List.of(
                "/proc/sys/net/ipv4/tcp_tw_recycle = " + host.settings().tcpTwRecycle(),
                TwRecycleNatRule.oldKernel(host),
                "no NAT signal found (no PAWSPassive, conntrack, ip_forward, container interface"
                    + " or private address)"),
            TwRecycleNatRule.turnOff(host, asked),
            List.of(References.RECYCLE_REMOVED, References.IP_SYSCTL),
            asked));
  }
}
