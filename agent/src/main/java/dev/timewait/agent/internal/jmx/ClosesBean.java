package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.internal.background.CloseWaitTracker;
import dev.timewait.agent.internal.background.SnapshotBuilder;
import dev.timewait.agent.internal.hook.SocketEventHandler;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.SiteCounters;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.PeerIdleTimes;
import dev.timewait.core.snapshot.Role;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Serves {@code dev.timewait:type=Closes} from the recorder. Kinds and roles are keyed in lower
 * case ({@code active/client}), as Prometheus label values are; the maps of active closes leave out
 * rows with none, so that a site or endpoint seen only in passive closes adds no zero series.
 */
public final class ClosesBean implements ClosesMXBean {
  private final CloseRecorder recorder;
  private final SocketEventHandler handler;
  private final CloseWaitTracker closeWait;

  public ClosesBean(
      CloseRecorder recorder, SocketEventHandler handler, CloseWaitTracker closeWait) {
    this.recorder = recorder;
    this.handler = handler;
    this.closeWait = closeWait;
  }

  @Override
  public long getCloseWaitConnections() {
    return closeWait.total();
  }

  @Override
  public Map<String, Long> getCloseWaitByOpenSite() {
    Map<String, Long> out = new TreeMap<>();
    for (CloseWaitTracker.Row row : closeWait.rows()) {
      out.merge(row.openSite.frame, row.count, Long::sum);
    }
    return out;
  }

  @Override
  public long getActiveCloses() {
    return recorder.total(CloseKind.ACTIVE);
  }

  @Override
  public long getPassiveCloses() {
    return recorder.total(CloseKind.PASSIVE);
  }

  @Override
  public long getAbortiveCloses() {
    return recorder.total(CloseKind.ABORTIVE);
  }

  @Override
  public Map<String, Long> getClosesByKindAndRole() {
    Map<String, Long> out = new TreeMap<>();
    for (CloseKind kind : CloseKind.values()) {
      for (Role role : Role.values()) {
        out.put(label(kind) + "/" + label(role), recorder.total(role, kind));
      }
    }
    return out;
  }

  @Override
  public Map<SiteKey, SiteCloses> getSiteCloses() {
    Map<SiteKey, SiteCloses> out = new HashMap<>();
    for (SiteCounters row : recorder.sites()) {
      out.put(
          new SiteKey(
              row.closeSite.frame,
              row.openSite.frame,
              label(row.role),
              row.via == null ? "-" : row.via),
          new SiteCloses(
              row.count(CloseKind.ACTIVE),
              row.count(CloseKind.PASSIVE),
              row.count(CloseKind.ABORTIVE),
              row.estimated()));
    }
    return out;
  }

  @Override
  public long getSitesSampledOut() {
    return recorder.sampledOut();
  }

  @Override
  public long getResetAfterFin() {
    return recorder.resetAfterFin();
  }

  @Override
  public Map<String, Long> getActiveClosesBySite() {
    Map<String, Long> out = new TreeMap<>();
    for (SiteCounters row : recorder.sites()) {
      long active = row.count(CloseKind.ACTIVE);
      if (active > 0) {
        out.merge(row.closeSite.frame, active, Long::sum);
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getActiveClosesByOpenSite() {
    Map<String, Long> out = new TreeMap<>();
    for (SiteCounters row : recorder.sites()) {
      long active = row.count(CloseKind.ACTIVE);
      if (active > 0) {
        out.merge(row.openSite.frame, active, Long::sum);
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getActiveClosesByEndpoint() {
    Map<String, Long> out = new TreeMap<>();
    for (CloseRecorder.EndpointCounters row : recorder.endpoints()) {
      long active = row.count(CloseKind.ACTIVE);
      if (active > 0) {
        String key =
            row.remote == null ? "(other endpoints)" : SnapshotBuilder.endpoint(row.remote);
        out.put(key, active);
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getServerIdleCutoffMillisByEndpoint() {
    Map<String, Long> out = new TreeMap<>();
    for (CloseRecorder.EndpointCounters row : recorder.endpoints()) {
      PeerIdleTimes idle = row.peerIdleTimes();
      long cutoff = idle == null ? -1 : idle.serverCutoffMillis();
      if (cutoff >= 0 && row.remote != null) {
        out.put(SnapshotBuilder.endpoint(row.remote), cutoff);
      }
    }
    return out;
  }

  @Override
  public String getIdleTimes() {
    return handler.idleTimesStatus();
  }

  @Override
  public long getTrackedConnections() {
    return handler.tracked();
  }

  private static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
