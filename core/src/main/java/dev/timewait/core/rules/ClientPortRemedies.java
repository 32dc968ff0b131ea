package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.PortRange;
import java.util.List;

/**
 * The remedies for client port pressure, in the order experts give them: reuse connections, get
 * more 4-tuples, then let {@code connect()} reuse TIME_WAIT tuples.
 */
final class ClientPortRemedies {

  static final int WIDE_LOW = 15000;
  static final int WIDE_HIGH = 65000;

  private ClientPortRemedies() {}

  /** The remedies' text; the settings it asks for go to {@code asked}. */
  static String text(
      HostSample host,
      List<DestinationUse> groups,
      boolean includeReuse,
      List<SysctlSetting> asked) {
    StringBuilder text = new StringBuilder();
    int step = 1;
    text.append(step++)
        .append(". Reuse connections at ")
        .append(Destinations.sitesOf(groups))
        .append(": HTTP keep-alive or a connection pool instead of a new connection per request")
        .append(" (every active close holds its port for 60 s). ");
    text.append(step++)
        .append(". Get more 4-tuples: more destination IPs or ports, more source IPs");
    PortRange range = host == null ? null : host.settings().ipLocalPortRange();
    if (range != null && (range.low() > WIDE_LOW || range.high() < WIDE_HIGH)) {
      String wider = Math.min(range.low(), WIDE_LOW) + " " + Math.max(range.high(), WIDE_HIGH);
      asked.add(new SysctlSetting("net.ipv4.ip_local_port_range", wider));
      text.append(", or a wider range: `sysctl -w net.ipv4.ip_local_port_range=\"")
          .append(wider)
          .append("\"` (now ")
          .append(range.low())
          .append('-')
          .append(range.high())
          .append("; list listening ports inside it in net.ipv4.ip_local_reserved_ports)");
    }
    text.append("; code that calls bind() before connect() should set IP_BIND_ADDRESS_NO_PORT. ");
    if (host == null) {
      return text.toString().strip();
    }
    Integer reuse = KernelFacts.effectiveReuse(host);
    boolean timestampsOff = Integer.valueOf(0).equals(host.settings().tcpTimestamps());
    if (includeReuse && timestampsOff) {
      text.append(step)
          .append(". Turn TCP timestamps back on: ")
          .append(SysctlConfig.set(host, "net.ipv4.tcp_timestamps", "1", asked))
          .append(": connect() takes over only TIME_WAIT tuples whose connection carried them");
      if (reuse != null && reuse != 1) {
        text.append(", and tcp_tw_reuse = ")
            .append(host.settings().tcpTwReuse())
            .append(" covers ")
            .append(reuse == 0 ? "no destination" : "loopback only")
            .append(": ")
            .append(SysctlConfig.set(host, "net.ipv4.tcp_tw_reuse", "1", asked));
      }
      text.append('.');
    } else if (includeReuse && reuse != null && reuse != 1) {
      text.append(step)
          .append(". Let connect() reuse TIME_WAIT 4-tuples on this client: ")
          .append(SysctlConfig.set(host, "net.ipv4.tcp_tw_reuse", "1", asked))
          .append(" (outgoing connections only; needs net.ipv4.tcp_timestamps = 1 on both ends");
      if (KernelFacts.hasReuseDelay(host)) {
        Long delay = host.settings().tcpTwReuseDelayMs();
        text.append("; net.ipv4.tcp_tw_reuse_delay")
            .append(delay == null ? "" : " (now " + delay + " ms)")
            .append(" sets how soon a tuple is reused and can be lowered");
      }
      text.append(").");
    } else if (!includeReuse) {
      text.append(step)
          .append(". tcp_tw_reuse already covers ")
          .append(groups.size() == 1 ? "this destination" : "these destinations")
          .append(" (connect() takes over TIME_WAIT tuples older than ")
          .append(KernelFacts.reuseAfterMillis(host))
          .append(" ms); no sysctl adds more");
      if (KernelFacts.hasReuseDelay(host)) {
        text.append(" except a lower net.ipv4.tcp_tw_reuse_delay");
      }
      text.append('.');
    }
    return text.toString().strip();
  }
}
