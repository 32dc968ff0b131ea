package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import java.util.List;
import java.util.Optional;

/** {@code tcp_fin_timeout} was changed, usually in the belief that it shortens TIME_WAIT. */
public final class FinTimeoutMythRule implements Rule {

  @Override
  public String id() {
    return "FIN_TIMEOUT_MYTH";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    Long finTimeout = host == null ? null : host.settings().tcpFinTimeoutSeconds();
    if (finTimeout == null || finTimeout == 60) {
      return Optional.empty();
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "tcp_fin_timeout is " + finTimeout + " s: it does not shorten TIME_WAIT",
            List.of("/proc/sys/net/ipv4/tcp_fin_timeout = " + finTimeout + " (default 60)"),
            "No change needed for TIME_WAIT: tcp_fin_timeout only limits orphaned FIN_WAIT2"
                + " sockets. TIME_WAIT lasts 60 s (TCP_TIMEWAIT_LEN, fixed at compile time) whatever"
                + " this value is.",
            List.of(References.IP_SYSCTL)));
  }
}
