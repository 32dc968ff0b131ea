package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A host was sampled but neither its sysctls nor its TIME_WAIT count could be read: without this
 * finding such a host would be reported healthy.
 */
public final class HostUnreadableRule implements Rule {

  @Override
  public String id() {
    return "HOST_UNREADABLE";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null
        || KernelFacts.ipv4SysctlsRead(host.settings())
        || host.counters().sockstatTw() != null
        || (host.table() != null && !host.table().states().isEmpty())) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    evidence.add("host root " + host.hostRoot() + ", collector " + host.collector());
    evidence.addAll(host.unavailable());
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "Nothing could be read from the host: no conclusion about it is possible",
            evidence,
            "Point --host-root at a captured tree that holds proc/sys/net/ipv4, proc/net/tcp,"
                + " proc/net/sockstat and etc/sysctl.conf, or run on the host itself with /proc"
                + " readable.",
            List.of()));
  }
}
