package dev.timewait.agent.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Renders the agent's state as the {@code timewait.snapshot/1} JSON document (see {@code
 * docs/snapshot-schema.md}). Runs on the background thread or a JMX thread, never on a hook.
 */
final class Snapshot {
  static final String SCHEMA = "timewait.snapshot/1";

  private final CloseRecorder recorder;
  private final CloseWaitTracker closeWait;
  private final AgentInfo info;
  private final HostMonitor host;

  /** {@code host} is null when host sampling is off. */
  Snapshot(CloseRecorder recorder, CloseWaitTracker closeWait, AgentInfo info, HostMonitor host) {
    this.recorder = recorder;
    this.closeWait = closeWait;
    this.info = info;
    this.host = host;
  }

  String toJson(long nowMillis) {
    return toJson(nowMillis, true);
  }

  /** Without the recent active closes: a few kilobytes however busy the JVM is. */
  String toJsonWithoutRecentCloses(long nowMillis) {
    return toJson(nowMillis, false);
  }

  private String toJson(long nowMillis, boolean recentCloses) {
    JsonWriter json = new JsonWriter().beginObject();
    json.field("schema", SCHEMA)
        .field("takenAt", Instant.ofEpochMilli(nowMillis).toString())
        .field("agentVersion", AgentInfo.VERSION)
        .field("startedAt", info.startedAt().toString());
    json.name("jvm")
        .beginObject()
        .field("pid", info.pid())
        .field("javaVersion", info.javaVersion())
        .field("mainClass", info.mainClass())
        .field("hostName", info.hostName())
        .endObject();
    writeTotals(json);
    writeSites(json);
    writeEndpoints(json);
    json.name("overflow")
        .beginObject()
        .field("sites", recorder.siteOverflow())
        .field("endpoints", recorder.endpointOverflow())
        .field("recentActiveCloses", recorder.recentOverflow())
        .endObject();
    json.field("internalCloses", recorder.internal());
    json.name("closeWait").beginArray();
    for (CloseWaitTracker.Row row : closeWait.rows()) {
      json.beginObject()
          .field("openSite", row.openSite.frame)
          .field("role", row.role.name())
          .field("count", row.count)
          .endObject();
    }
    json.endArray();
    if (host != null) {
      host.writeJson(json);
    }
    if (recentCloses) {
      writeRecent(json, nowMillis);
    }
    return json.endObject().toString();
  }

  private void writeTotals(JsonWriter json) {
    json.name("totals").beginObject();
    for (CloseKind kind : CloseKind.values()) {
      json.field(lower(kind), recorder.total(kind));
    }
    json.name("byRole").beginObject();
    for (Role role : Role.values()) {
      json.name(role.name()).beginObject();
      for (CloseKind kind : CloseKind.values()) {
        json.field(lower(kind), recorder.total(role, kind));
      }
      json.endObject();
    }
    json.endObject().endObject();
  }

  private void writeSites(JsonWriter json) {
    List<SiteStats> rows = new ArrayList<>(recorder.sites());
    rows.sort(Comparator.comparingLong((SiteStats s) -> -s.count(CloseKind.ACTIVE)));
    json.name("sites").beginArray();
    for (SiteStats row : rows) {
      json.beginObject()
          .field("site", row.closeSite.frame)
          .field("openSite", row.openSite.frame)
          .field("role", row.role.name());
      for (CloseKind kind : CloseKind.values()) {
        json.field(lower(kind), row.count(kind));
      }
      json.name("stack").beginArray();
      for (String frame : row.closeSite.stack) {
        json.value(frame);
      }
      json.endArray();
      json.name("openStack").beginArray();
      for (String frame : row.openSite.stack) {
        json.value(frame);
      }
      json.endArray();
      json.name("endpoints").beginArray();
      for (Map.Entry<InetSocketAddress, java.util.concurrent.atomic.LongAdder> e :
          row.activeByEndpoint.entrySet()) {
        json.beginObject()
            .field("remote", endpoint(e.getKey()))
            .field("active", e.getValue().sum())
            .endObject();
      }
      if (row.otherEndpoints.sum() > 0) {
        json.beginObject()
            .field("remote", "(other endpoints)")
            .field("active", row.otherEndpoints.sum())
            .endObject();
      }
      json.endArray().endObject();
    }
    json.endArray();
  }

  private void writeEndpoints(JsonWriter json) {
    json.name("endpoints").beginArray();
    for (CloseRecorder.EndpointStats row : recorder.endpoints()) {
      json.beginObject()
          .field("remote", row.remote == null ? "(other endpoints)" : endpoint(row.remote));
      for (CloseKind kind : CloseKind.values()) {
        json.field(lower(kind), row.count(kind));
      }
      json.endObject();
    }
    json.endArray();
  }

  private void writeRecent(JsonWriter json, long nowMillis) {
    json.name("recentActiveCloses").beginArray();
    for (RecentActiveCloses.Entry e : recorder.recentActiveCloses(nowMillis)) {
      json.beginObject()
          .field("local", endpoint(e.local, e.localPort))
          .field("remote", endpoint(e.remote, e.remotePort))
          .field("at", Instant.ofEpochMilli(e.at).toString())
          .field("site", e.site.closeSite.frame)
          .field("openSite", e.site.openSite.frame)
          .field("role", e.site.role.name())
          .endObject();
    }
    json.endArray();
  }

  static String endpoint(InetSocketAddress address) {
    return endpoint(address.getAddress(), address.getPort());
  }

  /**
   * {@code ip:port}, IPv6 in brackets, port 0 (a server's peers, any port) as {@code *};
   * IPv4-mapped IPv6 addresses are shown as IPv4.
   */
  static String endpoint(InetAddress address, int port) {
    if (address == null) {
      return "?:" + port;
    }
    String portText = port == 0 ? "*" : Integer.toString(port);
    String ip = address.getHostAddress();
    if (address instanceof Inet6Address) {
      int zone = ip.indexOf('%');
      if (zone >= 0) {
        ip = ip.substring(0, zone);
      }
      return "[" + ip + "]:" + portText;
    }
    return ip + ":" + portText;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT);
  }
}
