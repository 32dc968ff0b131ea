package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentInfo;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.SiteCounters;
import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.CloseTotals;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.EndpointStats;
import dev.timewait.core.snapshot.JvmInfo;
import dev.timewait.core.snapshot.OverflowCounts;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Builds the immutable {@link Snapshot} model from the agent's live counters: once per interval, on
 * the background thread or a JMX thread, never on a hook. The file, the {@code SnapshotJson}
 * attribute, the Findings rules and the matcher all read what it builds.
 */
public final class SnapshotBuilder {
  private final CloseRecorder recorder;
  private final CloseWaitTracker closeWait;
  private final AgentInfo info;
  private final HostMonitor host;

  /** {@code host} is null when host sampling is off. */
  public SnapshotBuilder(
      CloseRecorder recorder, CloseWaitTracker closeWait, AgentInfo info, HostMonitor host) {
    this.recorder = recorder;
    this.closeWait = closeWait;
    this.info = info;
    this.host = host;
  }

  /** Everything, with the recent active closes for matching. */
  public Snapshot build(long nowMillis) {
    return build(nowMillis, true);
  }

  /** Without the recent active closes: small however busy the JVM is. */
  public Snapshot buildWithoutRecentCloses(long nowMillis) {
    return build(nowMillis, false);
  }

  private Snapshot build(long nowMillis, boolean withRecent) {
    List<CloseWaitStats> waits = new ArrayList<>();
    for (CloseWaitTracker.Row row : closeWait.rows()) {
      waits.add(new CloseWaitStats(row.openSite.frame, row.role, row.count));
    }
    return new Snapshot(
        Snapshot.SCHEMA,
        Instant.ofEpochMilli(nowMillis),
        AgentInfo.VERSION,
        new JvmInfo(info.pid(), info.javaVersion(), info.mainClass(), info.hostName()),
        info.startedAt(),
        totals(),
        sites(),
        endpoints(),
        new OverflowCounts(
            recorder.siteOverflow(),
            recorder.endpointOverflow(),
            recorder.recentOverflow(),
            recorder.sampledOut()),
        waits,
        withRecent ? recorder.recentCloses(nowMillis) : List.of(),
        recorder.internal(),
        host == null ? null : host.section());
  }

  private CloseTotals totals() {
    Map<Role, CloseCounts> byRole = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      byRole.put(
          role,
          new CloseCounts(
              recorder.total(role, CloseKind.ACTIVE),
              recorder.total(role, CloseKind.PASSIVE),
              recorder.total(role, CloseKind.ABORTIVE)));
    }
    return new CloseTotals(
        recorder.total(CloseKind.ACTIVE),
        recorder.total(CloseKind.PASSIVE),
        recorder.total(CloseKind.ABORTIVE),
        byRole,
        recorder.resetAfterFin());
  }

  private List<SiteStats> sites() {
    List<SiteCounters> rows = new ArrayList<>(recorder.sites());
    rows.sort(Comparator.comparingLong((SiteCounters s) -> -s.count(CloseKind.ACTIVE)));
    List<SiteStats> out = new ArrayList<>(rows.size());
    for (SiteCounters row : rows) {
      List<SiteEndpoint> endpoints = new ArrayList<>();
      for (Map.Entry<InetSocketAddress, LongAdder> e : row.activeByEndpoint.entrySet()) {
        long active = e.getValue().sum();
        if (active > 0) { // 0: its closes were all reset after their FIN
          endpoints.add(new SiteEndpoint(endpoint(e.getKey()), active));
        }
      }
      if (row.otherEndpoints.sum() > 0) {
        endpoints.add(new SiteEndpoint(EndpointStats.OTHER_ENDPOINTS, row.otherEndpoints.sum()));
      }
      out.add(
          new SiteStats(
              row.closeSite.frame,
              row.openSite.frame,
              row.role,
              row.count(CloseKind.ACTIVE),
              row.count(CloseKind.PASSIVE),
              row.count(CloseKind.ABORTIVE),
              row.closeSite.stack,
              endpoints,
              row.openSite.stack,
              row.via,
              row.estimated()));
    }
    return out;
  }

  private List<EndpointStats> endpoints() {
    List<EndpointStats> out = new ArrayList<>();
    for (CloseRecorder.EndpointCounters row : recorder.endpoints()) {
      out.add(
          new EndpointStats(
              row.remote == null ? EndpointStats.OTHER_ENDPOINTS : endpoint(row.remote),
              row.count(CloseKind.ACTIVE),
              row.count(CloseKind.PASSIVE),
              row.count(CloseKind.ABORTIVE),
              row.peerIdleTimes()));
    }
    return out;
  }

  public static String endpoint(InetSocketAddress address) {
    return IpAddresses.withPort(address.getAddress(), address.getPort());
  }
}
