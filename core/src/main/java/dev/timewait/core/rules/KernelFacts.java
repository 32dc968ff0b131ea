package dev.timewait.core.rules;

import dev.timewait.core.host.ConnectionTableBuilder;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.KernelSettings;

/**
 * What the sampled kernel supports. The presence of a sysctl file decides; the release string is
 * the fallback when the sysctl directory itself could not be read.
 */
final class KernelFacts {

  private KernelFacts() {}

  static KernelVersion version(HostSample host) {
    return host.os() == null ? null : KernelVersion.parse(host.os().kernelRelease());
  }

  static String release(HostSample host) {
    return host.os() == null ? null : host.os().kernelRelease();
  }

  /** Whether {@code /proc/sys/net/ipv4} was readable: a missing file there then means absent. */
  static boolean ipv4SysctlsRead(KernelSettings settings) {
    return settings.tcpTwReuse() != null
        || settings.tcpTimestamps() != null
        || settings.tcpFinTimeoutSeconds() != null;
  }

  /** Whether the kernel has {@code tcp_tw_recycle}, or null when nothing says. */
  static Boolean hasRecycle(HostSample host) {
    if (host.settings().tcpTwRecycle() != null) {
      return true;
    }
    if (ipv4SysctlsRead(host.settings())) {
      return false;
    }
    KernelVersion version = version(host);
    return version == null ? null : !version.atLeast(KernelVersion.RECYCLE_REMOVED);
  }

  /** Whether the kernel has {@code tcp_tw_reuse_delay}. */
  static boolean hasReuseDelay(HostSample host) {
    if (host.settings().tcpTwReuseDelayMs() != null) {
      return true;
    }
    if (ipv4SysctlsRead(host.settings())) {
      return false;
    }
    KernelVersion version = version(host);
    return version != null && version.atLeast(KernelVersion.REUSE_DELAY);
  }

  /**
   * Whether {@code tcp_tw_reuse = 2} means loopback only. Before 4.18 the setting was a boolean and
   * 2 enabled reuse for every destination; an unknown release is taken as a current kernel.
   */
  static boolean reuseHasLoopbackMode(HostSample host) {
    KernelVersion version = version(host);
    return version == null || version.atLeast(KernelVersion.REUSE_LOOPBACK_MODE);
  }

  /** The effective reuse mode: 0 off, 1 all destinations, 2 loopback only, null unknown. */
  static Integer effectiveReuse(HostSample host) {
    Integer reuse = host.settings().tcpTwReuse();
    if (reuse == null) {
      return null;
    }
    if (reuse == 0) {
      return 0;
    }
    if (reuse == 2 && reuseHasLoopbackMode(host)) {
      return 2;
    }
    return 1;
  }

  /**
   * How long a tuple must have been in TIME_WAIT before {@code tcp_tw_reuse} takes it over: {@code
   * tcp_tw_reuse_delay} from 6.14, about 1 s before (the kernel compared whole seconds).
   */
  static long reuseAfterMillis(HostSample host) {
    Long delay = host.settings().tcpTwReuseDelayMs();
    return delay == null ? ConnectionTableBuilder.DEFAULT_REUSE_AFTER_MILLIS : delay;
  }

  /**
   * Whether {@code connect()} from {@code localIp} to {@code remoteIp} may take over TIME_WAIT
   * tuples: reuse 1, or 2 with either address on loopback, and timestamps not switched off (the
   * kernel reuses only tuples whose connection carried timestamps). Null when the setting is
   * unknown.
   */
  static Boolean reuseApplies(HostSample host, String localIp, String remoteIp) {
    Integer reuse = effectiveReuse(host);
    if (reuse == null) {
      return null;
    }
    if (Integer.valueOf(0).equals(host.settings().tcpTimestamps())) {
      return false;
    }
    return reuse == 1
        || (reuse == 2
            && (DestinationUse.isLoopback(remoteIp) || DestinationUse.isLoopback(localIp)));
  }

  /** Why reuse does not apply to a destination, for the evidence. */
  static String reuseWhyNot(HostSample host, String localIp, String remoteIp) {
    Integer reuse = effectiveReuse(host);
    if (reuse == null) {
      return "tcp_tw_reuse unknown";
    }
    if (reuse != 0 && Integer.valueOf(0).equals(host.settings().tcpTimestamps())) {
      return "tcp_tw_reuse = " + host.settings().tcpTwReuse() + " but tcp_timestamps = 0";
    }
    if (reuse == 2) {
      return "tcp_tw_reuse = 2 covers loopback only";
    }
    return "tcp_tw_reuse = 0";
  }
}
