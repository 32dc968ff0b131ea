package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SysctlFileEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A sysctl configuration file still sets {@code tcp_tw_recycle} on a kernel without it. */
public final class TwRecycleRemovedRule implements Rule {

  static final String KEY = "net.ipv4.tcp_tw_recycle";

  @Override
  public String id() {
    return "TW_RECYCLE_REMOVED";
  }

  @Override
  public Optional<Finding> evaluate(AnalysisInput input) {
    HostSample host = input.host();
    if (host == null || !Boolean.FALSE.equals(KernelFacts.hasRecycle(host))) {
      return Optional.empty();
    }
    List<SysctlFileEntry> entries = SysctlConfig.entries(host, KEY);
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    List<String> evidence = new ArrayList<>();
    evidence.add(
        KernelFacts.ipv4SysctlsRead(host.settings())
            ? "/proc/sys/net/ipv4/tcp_tw_recycle does not exist"
            : "/proc/sys/kernel/osrelease = " + KernelFacts.release(host) + " (4.12 or later)");
    List<String> lines = new ArrayList<>();
    for (SysctlFileEntry entry : entries) {
      evidence.add(SysctlConfig.where(entry));
      lines.add(entry.file() + " line " + entry.line());
    }
    return Optional.of(
        new Finding(
            id(),
            Severity.INFO,
            "A sysctl file still sets tcp_tw_recycle, which this kernel no longer has",
            evidence,
            "Delete the dead line ("
                + String.join(", ", lines)
                + "): the setting was removed in Linux 4.12 and the line only makes `sysctl"
                + " --system` report an error. Nothing else to change.",
            List.of(References.RECYCLE_REMOVED)));
  }
}
