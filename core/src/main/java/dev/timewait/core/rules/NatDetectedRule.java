package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host translates addresses: raised on evidence of NAT only (see {@link NatEvidence}), with
 * advice for the kernel at hand.
 */
public final class NatDetectedRule implements Rule {

  @Override
  public String id() {
    return "NAT_DETECTED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    List<String> signals = NatEvidence.of(input);
    if (host == null || signals.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>(signals);
    evidence.addAll(NatEvidence.context(host));
    StringBuilder advice = new StringBuilder("Nothing to change for this alone.");
    if (Boolean.TRUE.equals(KernelFacts.hasRecycle(host))) {
      advice.append(
          " Keep net.ipv4.tcp_tw_recycle = 0 on this kernel: it drops SYNs from clients that share"
              + " an address.");
    }
    if (Boolean.TRUE.equals(host.nat().conntrackPresent())) {
      Long twTimeout = host.settings().nfConntrackTcpTimeoutTimeWaitSeconds();
      advice
          .append(" Conntrack keeps its own TIME_WAIT entries for ")
          .append(twTimeout == null ? "120" : twTimeout)
          .append(
              " s (net.netfilter.nf_conntrack_tcp_timeout_time_wait), longer than the hosts' 60 s:"
                  + " the translated ports and the conntrack table of a NAT host fill up even when"
                  + " TIME_WAIT on the hosts behind it looks fine (CONNTRACK_PRESSURE watches"
                  + " nf_conntrack_count).");
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "This host translates addresses (NAT)",
            evidence,
            advice.toString(),
            List.of(References.NF_CONNTRACK_SYSCTL)));
  }
}
