package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.internal.background.HostMonitor;
import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.owners.NetworkNamespaceName;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Serves {@code dev.timewait:type=Host} from the host monitor's latest samples. */
public final class HostBean implements HostMXBean {
  private final HostMonitor monitor;

  /** Read once, from the root of the first sample: a process never changes namespace here. */
  private volatile String networkNamespace;

  public HostBean(HostMonitor monitor) {
    this.monitor = monitor;
  }

  private HostSample counters() {
    return monitor.state().counters;
  }

  private ConnectionTable table() {
    MatchResult match = monitor.state().match;
    return match == null ? null : match.sample().table();
  }

  @Override
  public String getKernel() {
    HostSample s = counters();
    return s == null ? "" : s.os().kernelRelease();
  }

  @Override
  public String getCollector() {
    HostSample s = counters();
    return s == null ? "" : s.collector();
  }

  @Override
  public String getNetworkNamespace() {
    String name = networkNamespace;
    HostSample s = counters();
    if (name == null && s != null && s.hostRoot() != null) {
      name = NetworkNamespaceName.of(HostRoot.of(Path.of(s.hostRoot())));
      networkNamespace = name;
    }
    return name;
  }

  @Override
  public Long getTimeWait() {
    HostSample s = counters();
    return s == null ? null : s.timeWaitNow();
  }

  @Override
  public Long getCloseWait() {
    ConnectionTable t = table();
    return t == null ? null : t.count(TcpState.CLOSE_WAIT);
  }

  @Override
  public Map<String, Long> getTimeWaitByDestination() {
    Map<String, Long> out = new TreeMap<>();
    ConnectionTable t = table();
    if (t != null) {
      for (ClientTimeWaitGroup g : HostMonitor.top(t.clientGroups())) {
        out.put(HostMonitor.destination(g), g.timeWait());
      }
    }
    return out;
  }

  @Override
  public Map<String, Double> getPortRangeUseByDestination() {
    Map<String, Double> out = new TreeMap<>();
    ConnectionTable t = table();
    if (t != null) {
      for (ClientTimeWaitGroup g : HostMonitor.top(t.clientGroups())) {
        Double share = g.shareOfUsablePorts();
        if (share != null) {
          out.put(HostMonitor.destination(g), share);
        }
      }
    }
    return out;
  }

  @Override
  public Map<String, Long> getTimeWaitByListeningPort() {
    Map<String, Long> out = new TreeMap<>();
    ConnectionTable t = table();
    if (t != null) {
      for (ServerTimeWaitGroup g : HostMonitor.top(t.serverGroups())) {
        out.put(HostMonitor.listeningPort(g), g.timeWait());
      }
    }
    return out;
  }

  @Override
  public Long getConfirmedTimeWait() {
    MatchResult m = monitor.state().match;
    return m == null ? null : m.confirmed();
  }

  @Override
  public Double getConfirmedShare() {
    MatchResult m = monitor.state().match;
    return m == null ? null : m.confirmedShare();
  }

  @Override
  public Double getOwnedShareOfHost() {
    MatchResult m = monitor.state().match;
    return m == null ? null : m.ownedShareOfHost();
  }

  @Override
  public Map<String, Long> getOwnedTimeWaitBySite() {
    Map<String, Long> out = new TreeMap<>();
    MatchResult m = monitor.state().match;
    if (m != null) {
      for (SiteOwnership o : HostMonitor.top(m.sites())) {
        if (o.timeWait() > 0) {
          out.merge(o.site(), o.timeWait(), Long::sum);
        }
      }
    }
    return out;
  }

  @Override
  public Long getTimeWaitOverflows() {
    HostSample s = counters();
    return s == null ? null : s.counters().timeWaitOverflow();
  }

  @Override
  public Long getMaxTimeWaitBuckets() {
    HostSample s = counters();
    return s == null ? null : s.settings().tcpMaxTwBuckets();
  }

  @Override
  public Integer getTwRecycle() {
    HostSample s = counters();
    return s == null ? null : s.settings().tcpTwRecycle();
  }

  @Override
  public Long getLastTableSampleMillis() {
    HostMonitor.State state = monitor.state();
    return state.match == null ? null : state.tableMillis;
  }

  @Override
  public String[] getUnavailable() {
    HostSample s = counters();
    return s == null ? new String[0] : s.unavailable().toArray(new String[0]);
  }
}
