package dev.timewait.agent.internal.record;

import dev.timewait.agent.internal.FlightRecorderSupport;
import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.PeerIdleTimes;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Adds up classified closes: totals by kind and role, site rows, remote endpoints, and the recent
 * active closes. Lock-free; every table is bounded and what does not fit is counted in an overflow
 * row, never dropped.
 */
public class CloseRecorder {
  private static final int MAX_LOCAL_ADDRESSES = 256;
  private static final int MAX_REMOTE_ADDRESSES = 4096;

  private final LongAdder[][] totals =
      new LongAdder[Role.values().length][CloseKind.values().length];
  private final LongAdder internal = new LongAdder();
  private final ConcurrentHashMap<RowKey, SiteCounters> sites = new ConcurrentHashMap<>();
  private final SiteCounters[] otherSites = new SiteCounters[Role.values().length];
  private final SiteCounters[] notSampled = new SiteCounters[Role.values().length];
  private final LongAdder sampledOut = new LongAdder();
  private final LongAdder resetAfterFin = new LongAdder();
  private final LongAdder siteOverflow = new LongAdder();
  private final ConcurrentHashMap<InetSocketAddress, EndpointCounters> endpoints =
      new ConcurrentHashMap<>();
  private final EndpointCounters otherEndpoints = new EndpointCounters(null);
  private final LongAdder endpointOverflow = new LongAdder();
  private final ConcurrentHashMap<InetAddress, InetAddress> localAddresses =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InetAddress, InetAddress> remoteAddresses =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<InetAddress, InetSocketAddress> anyPortPeers =
      new ConcurrentHashMap<>();
  private final RecentActiveCloses recent;
  private final int maxSites;
  private final int maxEndpoints;

  public CloseRecorder(int maxSites, int maxEndpoints, int recentCapacity) {
    this.maxSites = maxSites;
    this.maxEndpoints = maxEndpoints;
    this.recent = new RecentActiveCloses(recentCapacity);
    for (Role role : Role.values()) {
      for (CloseKind kind : CloseKind.values()) {
        totals[role.ordinal()][kind.ordinal()] = new LongAdder();
      }
      otherSites[role.ordinal()] = new SiteCounters(CodeSite.OTHER, CodeSite.OTHER, role);
      notSampled[role.ordinal()] =
          new SiteCounters(CodeSite.NOT_SAMPLED, CodeSite.NOT_SAMPLED, role);
    }
  }

  /** Records one finished connection whose sites were walked and that stands for itself. */
  public final void record(
      CodeSite closeSite,
      CodeSite openSite,
      Role role,
      CloseKind kind,
      InetSocketAddress local,
      InetSocketAddress remote,
      long now) {
    record(closeSite, openSite, role, kind, local, remote, now, 1);
  }

  /**
   * Records one finished connection. The totals and endpoints count it once; the site row counts it
   * {@code weight} times (see {@code SiteSampling}); with weight 0 its sites were not walked and it
   * counts in no site row, and a recent active close names {@link CodeSite#NOT_SAMPLED}.
   */
  public void record(
      CodeSite closeSite,
      CodeSite openSite,
      Role role,
      CloseKind kind,
      InetSocketAddress local,
      InetSocketAddress remote,
      long now,
      int weight) {
    if (FlightRecorderSupport.ready()) {
      ConnectionEndEvent.emit(closeSite, openSite, role, kind, local, remote);
    }
    totals[role.ordinal()][kind.ordinal()].increment();
    InetSocketAddress peer = role == Role.SERVER && remote != null ? anyPort(remote) : remote;
    EndpointCounters endpoint = endpoint(peer);
    endpoint.byKind[kind.ordinal()].increment();
    SiteCounters row;
    if (weight > 0) {
      row = siteRow(closeSite, openSite, role);
      // the endpoint row's own key, equal to peer: site rows then keep no address objects of
      // their own
      row.count(kind, endpoint.remote != null ? endpoint.remote : peer, weight);
    } else {
      row = notSampled[role.ordinal()];
      sampledOut.increment();
    }
    if (kind == CloseKind.ACTIVE && local != null && remote != null) {
      // interned: the ring holds 131072 entries, and an accepted socket's address is a new object
      recent.add(
          intern(localAddresses, local.getAddress(), MAX_LOCAL_ADDRESSES),
          local.getPort(),
          intern(remoteAddresses, remote.getAddress(), MAX_REMOTE_ADDRESSES),
          remote.getPort(),
          row,
          weight,
          now);
    }
  }

  /**
   * Active closes made in the {@code withinMillis} before {@code before} that {@code gone} names
   * were reset after their FIN: each is taken out of the recent closes and counted abortive instead
   * of active, in the totals, its endpoint and its site row. The caller knows that the kernel reset
   * some closed socket, and {@code gone} answers from a complete table read after {@code before}.
   *
   * @return how many closes were counted again
   */
  public int resetAfterFin(Predicate<SocketPair> gone, long before, long withinMillis) {
    int moved = 0;
    for (RecentActiveCloses.Entry e : recent.within(before)) {
      if (e.at >= before
          || before - e.at > withinMillis
          || !gone.test(pair(e))
          || !recent.remove(e)) {
        continue;
      }
      Role role = e.site.role;
      totals[role.ordinal()][CloseKind.ACTIVE.ordinal()].decrement();
      totals[role.ordinal()][CloseKind.ABORTIVE.ordinal()].increment();
      InetSocketAddress remote = new InetSocketAddress(e.remote, e.remotePort);
      InetSocketAddress peer = role == Role.SERVER ? anyPort(remote) : remote;
      EndpointCounters endpoint = endpoint(peer);
      endpoint.byKind[CloseKind.ACTIVE.ordinal()].decrement();
      endpoint.byKind[CloseKind.ABORTIVE.ordinal()].increment();
      if (e.weight > 0) {
        e.site.activeBecameAbortive(endpoint.remote != null ? endpoint.remote : peer, e.weight);
      }
      moved++;
    }
    resetAfterFin.add(moved);
    return moved;
  }

  /**
   * A connection this JVM opened to {@code remote} sat idle for {@code millis} before the peer's
   * FIN; {@code via} is the library it went through, or null.
   */
  public void idleBeforePeerFin(InetSocketAddress remote, long millis, String via) {
    endpoint(remote).peerIdle().add(millis, via);
  }

  /** Closes counted active at their FIN and abortive since (see {@link #resetAfterFin}). */
  public long resetAfterFin() {
    return resetAfterFin.sum();
  }

  /** A close of the agent's own or the JMX connector's sockets. */
  public void recordInternal() {
    internal.increment();
  }

  public long total(Role role, CloseKind kind) {
    return totals[role.ordinal()][kind.ordinal()].sum();
  }

  public long total(CloseKind kind) {
    long sum = 0;
    for (Role role : Role.values()) {
      sum += total(role, kind);
    }
    return sum;
  }

  public long internal() {
    return internal.sum();
  }

  public long siteOverflow() {
    return siteOverflow.sum();
  }

  /** Closes whose sites were not walked (weight 0). */
  public long sampledOut() {
    return sampledOut.sum();
  }

  public long endpointOverflow() {
    return endpointOverflow.sum();
  }

  public long recentOverflow() {
    return recent.overflow();
  }

  /**
   * Gives the recent-close ring's memory back because the heap is short; the closes it held count
   * as overflow.
   */
  public void releaseRecentCloses(long now) {
    recent.release(now);
  }

  /** Site rows, with the overflow rows of each role that has counts. */
  public Collection<SiteCounters> sites() {
    java.util.List<SiteCounters> rows = new java.util.ArrayList<>(sites.values());
    for (SiteCounters other : otherSites) {
      if (other.count(CloseKind.ACTIVE)
              + other.count(CloseKind.PASSIVE)
              + other.count(CloseKind.ABORTIVE)
          > 0) {
        rows.add(other);
      }
    }
    return rows;
  }

  public Collection<EndpointCounters> endpoints() {
    java.util.List<EndpointCounters> rows = new java.util.ArrayList<>(endpoints.values());
    if (otherEndpoints.total() > 0) {
      rows.add(otherEndpoints);
    }
    return rows;
  }

  java.util.List<RecentActiveCloses.Entry> recentActiveCloses(long now) {
    return recent.within(now);
  }

  /** The active closes of the last 60 s as 4-tuples, for the matcher and the snapshot. */
  public java.util.List<RecentClose> recentCloses(long now) {
    java.util.List<RecentActiveCloses.Entry> entries = recent.within(now);
    java.util.List<RecentClose> out = new java.util.ArrayList<>(entries.size());
    for (RecentActiveCloses.Entry e : entries) {
      out.add(
          new RecentClose(
              pair(e),
              Instant.ofEpochMilli(e.at),
              e.site.closeSite.frame,
              e.site.openSite.frame,
              e.site.role));
    }
    return out;
  }

  private static SocketPair pair(RecentActiveCloses.Entry e) {
    return new SocketPair(
        IpAddresses.format(e.local.getAddress()),
        e.localPort,
        IpAddresses.format(e.remote.getAddress()),
        e.remotePort);
  }

  private SiteCounters siteRow(CodeSite closeSite, CodeSite openSite, Role role) {
    RowKey key = new RowKey(closeSite, openSite, role);
    SiteCounters row = sites.get(key);
    if (row != null) {
      return row;
    }
    if (sites.size() >= maxSites) {
      siteOverflow.increment();
      return otherSites[role.ordinal()];
    }
    return sites.computeIfAbsent(key, k -> new SiteCounters(closeSite, openSite, role));
  }

  private EndpointCounters endpoint(InetSocketAddress remote) {
    if (remote == null) {
      return otherEndpoints;
    }
    EndpointCounters stats = endpoints.get(remote);
    if (stats != null) {
      return stats;
    }
    if (endpoints.size() >= maxEndpoints) {
      endpointOverflow.increment();
      return otherEndpoints;
    }
    return endpoints.computeIfAbsent(remote, EndpointCounters::new);
  }

  /**
   * A server's peers connect from ephemeral ports: group them by address, or the endpoint table
   * would fill with one row per client port. Interned (as many as endpoint rows), so that a close
   * from a known peer allocates nothing.
   */
  private InetSocketAddress anyPort(InetSocketAddress remote) {
    InetAddress address = remote.getAddress();
    if (address == null) {
      return new InetSocketAddress(address, 0);
    }
    InetSocketAddress known = anyPortPeers.get(address);
    if (known != null) {
      return known;
    }
    InetSocketAddress created = new InetSocketAddress(address, 0);
    if (anyPortPeers.size() >= maxEndpoints) {
      return created;
    }
    known = anyPortPeers.putIfAbsent(address, created);
    return known == null ? created : known;
  }

  private static InetAddress intern(
      ConcurrentHashMap<InetAddress, InetAddress> addresses, InetAddress address, int max) {
    if (address == null) {
      return null;
    }
    InetAddress known = addresses.get(address);
    if (known != null) {
      return known;
    }
    if (addresses.size() >= max) {
      return address;
    }
    known = addresses.putIfAbsent(address, address);
    return known == null ? address : known;
  }

  /** Counts per remote endpoint; {@code remote} is null for the overflow row. */
  public static final class EndpointCounters {
    public final InetSocketAddress remote;
    final LongAdder[] byKind = {new LongAdder(), new LongAdder(), new LongAdder()};
    private volatile PeerIdleCounters peerIdle;

    EndpointCounters(InetSocketAddress remote) {
      this.remote = remote;
    }

    synchronized PeerIdleCounters peerIdle() {
      if (peerIdle == null) {
        peerIdle = new PeerIdleCounters();
      }
      return peerIdle;
    }

    /** The idle times before the peer's FIN, or null when none was measured. */
    public PeerIdleTimes peerIdleTimes() {
      PeerIdleCounters counters = peerIdle;
      return counters == null ? null : counters.snapshot();
    }

    public long count(CloseKind kind) {
      return byKind[kind.ordinal()].sum();
    }

    long total() {
      return count(CloseKind.ACTIVE) + count(CloseKind.PASSIVE) + count(CloseKind.ABORTIVE);
    }
  }

  /** A site row's identity: its close site, open site and role, each compared by identity. */
  private static final class RowKey {
    private final CodeSite close;
    private final CodeSite open;
    private final Role role;

    RowKey(CodeSite close, CodeSite open, Role role) {
      this.close = close;
      this.open = open;
      this.role = role;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof RowKey)) {
        return false;
      }
      RowKey k = (RowKey) o;
      return close == k.close && open == k.open && role == k.role;
    }

    @Override
    public int hashCode() {
      return (System.identityHashCode(close) * 31 + System.identityHashCode(open)) * 31
          + role.ordinal();
    }
  }
}
