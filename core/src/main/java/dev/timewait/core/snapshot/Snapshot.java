package dev.timewait.core.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The agent's snapshot ({@code timewait.snapshot/1}), see {@code docs/snapshot-schema.md}.
 *
 * @param schema {@code timewait.snapshot/1}
 * @param takenAt when the agent wrote it
 * @param agentVersion the agent's version
 * @param jvm the JVM that wrote it
 * @param startedAt when recording started
 * @param totals close counts
 * @param sites per (close site, open site, role)
 * @param endpoints per remote endpoint
 * @param overflow closes that did not fit the bounded tables
 * @param closeWait connections in CLOSE_WAIT per open site
 * @param recentActiveCloses active closes of the last 60 s
 * @param internalCloses closes of the agent's own and the JMX connector's sockets, counted nowhere
 *     else
 * @param host the host as the agent sampled it, or null when it does not sample the host
 */
public record Snapshot(
    String schema,
    Instant takenAt,
    String agentVersion,
    JvmInfo jvm,
    Instant startedAt,
    CloseTotals totals,
    List<SiteStats> sites,
    List<EndpointStats> endpoints,
    OverflowCounts overflow,
    List<CloseWaitStats> closeWait,
    List<RecentClose> recentActiveCloses,
    long internalCloses,
    HostSection host) {

  /** The schema this version writes and reads. */
  public static final String SCHEMA = "timewait.snapshot/1";

  public Snapshot {
    sites = withoutNulls(sites);
    endpoints = withoutNulls(endpoints);
    closeWait = withoutNulls(closeWait);
    recentActiveCloses = withoutNulls(recentActiveCloses);
    overflow = overflow == null ? new OverflowCounts(0, 0, 0) : overflow;
  }

  /**
   * The same snapshot with its JVM's pid as this host numbers it: a JVM in a pid namespace of its
   * own (a container) writes its own pid, {@code nsPid} (often 1, which names another process
   * here). A snapshot that names any other pid is left as it is.
   */
  public Snapshot withHostPid(long nsPid, long hostPid) {
    if (jvm == null || jvm.pid() != nsPid || nsPid == hostPid) {
      return this;
    }
    JvmInfo seen = new JvmInfo(hostPid, jvm.javaVersion(), jvm.mainClass(), jvm.hostName());
    return new Snapshot(
        schema,
        takenAt,
        agentVersion,
        seen,
        startedAt,
        totals,
        sites,
        endpoints,
        overflow,
        closeWait,
        recentActiveCloses,
        internalCloses,
        host);
  }

  /** An immutable copy without null elements; null gives an empty list. */
  static <T> List<T> withoutNulls(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }
}
