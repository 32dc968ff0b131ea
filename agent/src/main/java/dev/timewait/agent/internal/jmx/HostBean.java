package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.internal.background.HostMonitor;
import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import java.util.Map;
import java.util.TreeMap;

/** Serves {@code dev.timewait:type=Host} from the host monitor's latest samples. */
public final class HostBean implements HostMXBean {
  private final HostMonitor monitor;

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
  public long getTimeWait() {
    HostSample s = counters();
    Long n = s == null ? null : s.timeWaitNow();
    return n == null ? -1 : n;
  }

  @Override
  public long getCloseWait() {
    ConnectionTable t = table();
    return t == null ? -1 : t.count(TcpState.CLOSE_WAIT);
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
  public long getConfirmedTimeWait() {
    MatchResult m = monitor.state().match;
    return m == null ? 0 : m.confirmed();
  }

  @Override
  public double getConfirmedShare() {
    MatchResult m = monitor.state().match;
    Double share = m == null ? null : m.confirmedShare();
    return share == null ? -1 : share;
  }

  @Override
  public double getOwnedShareOfHost() {
    MatchResult m = monitor.state().match;
    Double share = m == null ? null : m.ownedShareOfHost();
    return share == null ? -1 : share;
  }

  @Override
  public Map<String, Long> getOwnedTimeWaitBySite() {
    Map<String, Long> out = new TreeMap<>();
    MatchResult m = monitor.state().match;
    if (m != null) {
      for (SiteOwnership o : HostMonitor.top(m.sites())) {
        out.merge(o.site(), o.timeWait(), Long::sum);
      }
    }
    return out;
  }

  @Override
  public long getTimeWaitOverflows() {
    HostSample s = counters();
    Long n = s == null ? null : s.counters().timeWaitOverflow();
    return n == null ? -1 : n;
  }

  @Override
  public long getMaxTimeWaitBuckets() {
    HostSample s = counters();
    Long n = s == null ? null : s.settings().tcpMaxTwBuckets();
    return n == null ? -1 : n;
  }

  @Override
  public int getTwRecycle() {
    HostSample s = counters();
    Integer n = s == null ? null : s.settings().tcpTwRecycle();
    return n == null ? -1 : n;
  }

  @Override
  public long getLastTableSampleMillis() {
    return monitor.state().tableMillis;
  }

  @Override
  public String[] getUnavailable() {
    HostSample s = counters();
    return s == null ? new String[0] : s.unavailable().toArray(new String[0]);
  }
}
