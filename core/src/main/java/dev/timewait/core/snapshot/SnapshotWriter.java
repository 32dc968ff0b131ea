package dev.timewait.core.snapshot;

import dev.timewait.core.json.JsonWriter;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a {@link Snapshot} as the {@code timewait.snapshot/1} document ({@code
 * docs/snapshot-schema.md}): the one writer of what {@link SnapshotReader} reads.
 */
public final class SnapshotWriter {
  private SnapshotWriter() {}

  /** The whole snapshot as JSON. */
  public static String toJson(Snapshot s) {
    JsonWriter json = new JsonWriter().beginObject();
    json.field("schema", s.schema())
        .field("takenAt", text(s.takenAt()))
        .field("agentVersion", s.agentVersion())
        .field("startedAt", text(s.startedAt()));
    if (s.jvm() != null) {
      json.name("jvm")
          .beginObject()
          .field("pid", s.jvm().pid())
          .field("javaVersion", s.jvm().javaVersion())
          .field("mainClass", s.jvm().mainClass())
          .field("hostName", s.jvm().hostName())
          .endObject();
    }
    if (s.totals() != null) {
      json.name("totals").beginObject();
      counts(json, s.totals().active(), s.totals().passive(), s.totals().abortive());
      json.field("resetAfterFin", s.totals().resetAfterFin());
      json.name("byRole").beginObject();
      for (Map.Entry<Role, CloseCounts> e : s.totals().byRole().entrySet()) {
        json.name(e.getKey().name()).beginObject();
        counts(json, e.getValue().active(), e.getValue().passive(), e.getValue().abortive());
        json.endObject();
      }
      json.endObject().endObject();
    }
    json.name("sites").beginArray();
    for (SiteStats row : s.sites()) {
      json.beginObject()
          .field("site", row.site())
          .field("openSite", row.openSite())
          .field("role", row.role().name());
      if (row.via() != null) {
        json.field("via", row.via());
      }
      counts(json, row.active(), row.passive(), row.abortive());
      if (row.isEstimate()) {
        json.field("estimated", row.estimated());
      }
      json.name("stack").beginArray();
      for (String frame : row.stack()) {
        json.value(frame);
      }
      json.endArray().name("openStack").beginArray();
      for (String frame : row.openStack()) {
        json.value(frame);
      }
      json.endArray().name("endpoints").beginArray();
      for (SiteEndpoint e : row.endpoints()) {
        json.beginObject().field("remote", e.remote()).field("active", e.active()).endObject();
      }
      json.endArray().endObject();
    }
    json.endArray().name("endpoints").beginArray();
    for (EndpointStats row : s.endpoints()) {
      json.beginObject().field("remote", row.remote());
      counts(json, row.active(), row.passive(), row.abortive());
      if (row.peerIdle() != null) {
        peerIdle(json, row.peerIdle());
      }
      json.endObject();
    }
    json.endArray()
        .name("overflow")
        .beginObject()
        .field("sites", s.overflow().sites())
        .field("endpoints", s.overflow().endpoints())
        .field("recentActiveCloses", s.overflow().recentActiveCloses())
        .field("sitesSampledOut", s.overflow().sitesSampledOut())
        .endObject()
        .field("internalCloses", s.internalCloses());
    json.name("closeWait").beginArray();
    for (CloseWaitStats row : s.closeWait()) {
      json.beginObject()
          .field("openSite", row.openSite())
          .field("role", row.role().name())
          .field("count", row.count())
          .endObject();
    }
    json.endArray();
    if (s.host() != null) {
      host(json, s.host());
    }
    json.name("recentActiveCloses").beginArray();
    for (RecentClose close : s.recentActiveCloses()) {
      json.beginObject()
          .field("local", close.local())
          .field("remote", close.remote())
          .field("at", text(close.at()))
          .field("site", close.site())
          .field("openSite", close.openSite())
          .field("role", close.role() == null ? null : close.role().name())
          .endObject();
    }
    json.endArray();
    return json.endObject().toString();
  }

  private static void host(JsonWriter json, HostSection h) {
    json.name("host").beginObject();
    json.field("takenAt", text(h.takenAt()))
        .field("collector", h.collector())
        .field("kernel", h.kernel());
    optional(json, "timeWait", h.timeWait());
    optional(json, "closeWait", h.closeWait());
    json.name("destinations").beginArray();
    for (HostDestination d : h.destinations()) {
      json.beginObject()
          .field("local", d.local())
          .field("remote", d.remote())
          .field("timeWait", d.timeWait());
      optional(json, "usable", d.usable() == null ? null : (long) d.usable());
      json.name("utilization").number(d.utilization()).endObject();
    }
    json.endArray();
    HostMatch m = h.match();
    if (m != null) {
      json.name("match")
          .beginObject()
          .field("recentCloses", m.recentCloses())
          .field("confirmed", m.confirmed())
          .field("hostTimeWait", m.hostTimeWait())
          .name("confirmedShare")
          .number(m.confirmedShare())
          .name("ownedShareOfHost")
          .number(m.ownedShareOfHost())
          .name("sites")
          .beginArray();
      for (HostMatch.OwnedSite o : m.sites()) {
        json.beginObject()
            .field("site", o.site())
            .field("openSite", o.openSite())
            .field("role", o.role() == null ? null : o.role().name())
            .field("timeWait", o.timeWait())
            .endObject();
      }
      json.endArray().endObject();
    }
    json.name("unavailable").beginArray();
    for (String line : h.unavailable()) {
      json.value(line);
    }
    json.endArray().endObject();
  }

  private static void counts(JsonWriter json, long active, long passive, long abortive) {
    json.field("active", active).field("passive", passive).field("abortive", abortive);
  }

  /** A count that may be unknown: absent from the document rather than a made-up number. */
  private static void optional(JsonWriter json, String name, Long value) {
    if (value != null) {
      json.field(name, value);
    }
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static void peerIdle(JsonWriter json, PeerIdleTimes idle) {
    json.name("peerIdle").beginObject().field("closes", idle.closes());
    if (idle.minIdleMillis() >= 0) {
      json.field("minIdleMillis", idle.minIdleMillis());
    }
    json.field("maxMillis", idle.maxMillis());
    if (idle.via() != null) {
      json.field("via", idle.via());
    }
    json.name("buckets").beginArray();
    for (PeerIdleTimes.Bucket b : idle.buckets()) {
      json.beginObject().field("fromMillis", b.fromMillis()).field("count", b.count()).endObject();
    }
    json.endArray().endObject();
  }
}
