package dev.timewait.core.rules;

import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code tcp_timestamps = 0}: no PAWS and no {@code tcp_tw_reuse}. */
public final class TimestampsDisabledRule implements Rule {

  @Override
  public String id() {
    return "TIMESTAMPS_DISABLED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null || !Integer.valueOf(0).equals(host.settings().tcpTimestamps())) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    evidence.add("/proc/sys/net/ipv4/tcp_timestamps = 0");
    Integer reuse = KernelFacts.effectiveReuse(host);
    if (reuse != null && reuse != 0) {
      evidence.add(
          "/proc/sys/net/ipv4/tcp_tw_reuse = "
              + host.settings().tcpTwReuse()
              + " is set, but connect() takes over only TIME_WAIT tuples whose connection carried"
              + " timestamps: here none, so tcp_tw_reuse does nothing");
    }
    ConnectionTable table = Destinations.table(input);
    if (table != null && table.clientTimeWait() > 0) {
      evidence.add(
          "/proc/net/tcp: "
              + table.clientTimeWait()
              + " client TIME_WAIT sockets, each blocking its port for the full 60 s");
    }
    List<SysctlSetting> asked = new ArrayList<>();
    return Optional.of(
        new Finding(
            id(),
            Severity.WARNING,
            "TCP timestamps are off: no PAWS protection and tcp_tw_reuse cannot work",
            evidence,
            "Turn timestamps back on: "
                + SysctlConfig.set(host, "net.ipv4.tcp_timestamps", "1", asked)
                + ". Old advice to disable them against tcp_tw_recycle problems is wrong: turn"
                + " tcp_tw_recycle off instead.",
            List.of(References.RFC_7323, References.IP_SYSCTL),
            asked));
  }
}
