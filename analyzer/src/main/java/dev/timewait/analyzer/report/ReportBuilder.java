package dev.timewait.analyzer.report;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.KernelSettings;
import dev.timewait.core.host.PortRange;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.owners.NamespaceOwners;
import dev.timewait.core.owners.Owner;
import dev.timewait.core.owners.OwnerKind;
import dev.timewait.core.rules.AgentActivity;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Destinations;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.SiteRate;
import dev.timewait.core.rules.SnapshotMatch;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.JvmInfo;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns collected data and findings into a {@link Report}. */
public final class ReportBuilder {

  private ReportBuilder() {}

  public static Report build(
      AnalysisInput input, List<Finding> findings, List<String> sources, Instant now) {
    return build(input, findings, sources, now, List.of(), Map.of(), List.of());
  }

  /**
   * A report with the owners of the host's TIME_WAIT sockets.
   *
   * @param namespaces per network namespace, its owners (empty when they were not sampled)
   * @param namespaceFindings the findings of each namespace other than the report's own, by its
   *     inode (see {@link #findingsOf})
   * @param ownersUnavailable what the owners' sampling could not read
   */
  public static Report build(
      AnalysisInput input,
      List<Finding> findings,
      List<String> sources,
      Instant now,
      List<NamespaceOwners> namespaces,
      Map<Long, List<Finding>> namespaceFindings,
      List<String> ownersUnavailable) {
    List<String> unavailable = new ArrayList<>();
    Report.Host host = null;
    HostSample sample = input.host();
    Long ownNetns = null;
    List<Owner> owners = new ArrayList<>();
    List<Report.Namespace> namespaceRows = new ArrayList<>();
    for (NamespaceOwners ns : namespaces) {
      if (ns.own()) {
        ownNetns = ns.netns();
      }
      owners.addAll(ns.owners());
      namespaceRows.add(
          namespace(
              ns,
              AnalysisInput.ofHost(ns.sample(), input.thresholds()),
              ns.own() || ns.netns() == null
                  ? List.of()
                  : namespaceFindings.getOrDefault(ns.netns(), List.of())));
    }
    owners.sort(
        Comparator.comparing((Owner o) -> o.kind() == OwnerKind.UNKNOWN)
            .thenComparing(Comparator.comparingLong(Owner::timeWait).reversed()));
    if (sample != null) {
      unavailable.addAll(sample.unavailable());
      host = host(input, sample, ownNetns);
    }
    for (String line : ownersUnavailable) {
      if (!unavailable.contains(line)) {
        unavailable.add(line);
      }
    }
    return new Report(
        Report.SCHEMA,
        now.toString(),
        sources,
        owners,
        namespaceRows,
        host,
        findings,
        sites(input),
        jvms(input),
        series(input),
        ownership(input),
        unavailable);
  }

  /**
   * The findings of each namespace other than the report's own, by inode: the standard rules on its
   * own table and sysctls, without agent data (a JVM's snapshot is the report's).
   */
  public static Map<Long, List<Finding>> findingsOf(
      List<NamespaceOwners> namespaces, Thresholds thresholds) {
    Map<Long, List<Finding>> findings = new LinkedHashMap<>();
    for (NamespaceOwners ns : namespaces) {
      if (!ns.own() && ns.netns() != null) {
        findings.put(
            ns.netns(), Analyzer.standard().analyze(AnalysisInput.ofHost(ns.sample(), thresholds)));
      }
    }
    return findings;
  }

  private static Report.Namespace namespace(
      NamespaceOwners ns, AnalysisInput input, List<Finding> findings) {
    HostSample sample = ns.sample();
    Long closeWait = sample.table() == null ? null : sample.table().count(TcpState.CLOSE_WAIT);
    return new Report.Namespace(
        ns.netns(),
        ns.own(),
        ns.readThroughPid() == 0 ? null : ns.readThroughPid(),
        ns.processes(),
        ns.containerIds(),
        ns.timeWait(),
        closeWait,
        settings(sample.settings()),
        Destinations.of(input),
        findings);
  }

  private static Report.Host host(AnalysisInput input, HostSample sample, Long netns) {
    Long closeWait = sample.table() == null ? null : sample.table().count(TcpState.CLOSE_WAIT);
    return new Report.Host(
        netns,
        sample.hostRoot(),
        sample.collector(),
        sample.os() == null ? null : sample.os().description(),
        sample.os() == null ? null : sample.os().kernelRelease(),
        sample.timeWaitNow(),
        closeWait,
        input.window().toMillis() / 1000.0,
        settings(sample.settings()),
        Destinations.of(input));
  }

  private static Map<String, Object> settings(KernelSettings s) {
    Map<String, Object> map = new LinkedHashMap<>();
    put(map, "net.ipv4.tcp_tw_reuse", s.tcpTwReuse());
    put(map, "net.ipv4.tcp_tw_reuse_delay", s.tcpTwReuseDelayMs());
    put(map, "net.ipv4.tcp_tw_recycle", s.tcpTwRecycle());
    put(map, "net.ipv4.tcp_timestamps", s.tcpTimestamps());
    put(map, "net.ipv4.tcp_fin_timeout", s.tcpFinTimeoutSeconds());
    put(map, "net.ipv4.tcp_max_tw_buckets", s.tcpMaxTwBuckets());
    PortRange range = s.ipLocalPortRange();
    if (range != null) {
      map.put("net.ipv4.ip_local_port_range", range.low() + " " + range.high());
    }
    put(map, "net.ipv4.ip_local_reserved_ports", s.ipLocalReservedPorts());
    put(map, "net.ipv4.ip_forward", s.ipForward());
    put(map, "net.netfilter.nf_conntrack_count", s.nfConntrackCount());
    put(map, "net.netfilter.nf_conntrack_max", s.nfConntrackMax());
    put(
        map,
        "net.netfilter.nf_conntrack_tcp_timeout_time_wait",
        s.nfConntrackTcpTimeoutTimeWaitSeconds());
    return map;
  }

  private static void put(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** The JVM of a snapshot, as fields. */
  static Report.JvmId jvmId(Snapshot snapshot) {
    JvmInfo jvm = snapshot.jvm();
    return new Report.JvmId(
        AgentActivity.jvmLabel(snapshot),
        jvm == null ? null : jvm.hostName(),
        jvm == null || jvm.pid() <= 0 ? null : jvm.pid(),
        jvm == null ? null : jvm.mainClass(),
        jvm == null ? null : jvm.javaVersion());
  }

  /** {@code ip:port}, {@code [v6]:port} or {@code ip:*} as fields; other text has none. */
  static Report.Remote remote(SiteEndpoint endpoint) {
    String text = endpoint.remote();
    int colon = text == null ? -1 : text.lastIndexOf(':');
    if (colon <= 0 || text.startsWith("(")) {
      return new Report.Remote(text, null, null, endpoint.active());
    }
    String address = text.substring(0, colon);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    Integer port = null;
    try {
      port = Integer.valueOf(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      // "ip:*": the server side, many client ports
    }
    return new Report.Remote(text, address, port, endpoint.active());
  }

  private static List<Report.Site> sites(AnalysisInput input) {
    Map<String, Report.JvmId> jvms = new LinkedHashMap<>();
    for (Snapshot snapshot : input.snapshots()) {
      jvms.putIfAbsent(AgentActivity.jvmLabel(snapshot), jvmId(snapshot));
    }
    List<Report.Site> sites = new ArrayList<>();
    for (SiteRate rate : AgentActivity.siteRates(input)) {
      List<Report.Remote> remotes = new ArrayList<>();
      for (SiteEndpoint endpoint : rate.site().endpoints()) {
        remotes.add(remote(endpoint));
      }
      sites.add(
          new Report.Site(
              jvms.getOrDefault(rate.jvm(), new Report.JvmId(rate.jvm(), null, null, null, null)),
              rate.site().site(),
              rate.site().openSite(),
              String.valueOf(rate.site().role()),
              rate.site().active(),
              rate.site().passive(),
              rate.site().abortive(),
              Math.round(rate.activePerMinute() * 10) / 10.0,
              rate.basis(),
              remotes,
              rate.site().stack(),
              rate.site().openStack(),
              rate.site().estimated()));
    }
    sites.sort((a, b) -> Long.compare(b.active(), a.active()));
    return sites;
  }

  private static List<Report.Jvm> jvms(AnalysisInput input) {
    List<Report.Jvm> jvms = new ArrayList<>();
    for (Snapshot snapshot : input.snapshots()) {
      long active = snapshot.totals() == null ? 0 : snapshot.totals().active();
      long passive = snapshot.totals() == null ? 0 : snapshot.totals().passive();
      long abortive = snapshot.totals() == null ? 0 : snapshot.totals().abortive();
      jvms.add(
          new Report.Jvm(
              jvmId(snapshot),
              snapshot.takenAt() == null ? null : snapshot.takenAt().toString(),
              snapshot.startedAt() == null ? null : snapshot.startedAt().toString(),
              active,
              passive,
              abortive));
    }
    return jvms;
  }

  private static List<Report.Ownership> ownership(AnalysisInput input) {
    List<Report.Ownership> rows = new ArrayList<>();
    for (SnapshotMatch match : input.matches()) {
      MatchResult result = match.result();
      rows.add(
          new Report.Ownership(
              jvmId(match.snapshot()),
              result.recentCloses(),
              result.droppedCloses(),
              result.confirmed(),
              result.hostTimeWait(),
              result.ownedShareOfHost(),
              result.sites()));
    }
    return rows;
  }

  private static List<Report.Point> series(AnalysisInput input) {
    List<Report.Point> points = new ArrayList<>();
    List<HostSample> samples = new ArrayList<>();
    if (input.hostStart() != null) {
      samples.add(input.hostStart());
    }
    samples.addAll(input.counterSeries());
    if (input.hostEnd() != null && input.hostEnd() != input.hostStart()) {
      samples.add(input.hostEnd());
    }
    samples.sort((a, b) -> a.takenAt().compareTo(b.takenAt()));
    for (HostSample sample : samples) {
      points.add(new Report.Point(sample.takenAt().toString(), sample.timeWaitNow()));
    }
    return points;
  }
}
