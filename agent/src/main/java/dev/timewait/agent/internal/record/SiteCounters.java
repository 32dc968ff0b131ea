package dev.timewait.agent.internal.record;

import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts for one site row: a (close site, open site, role) combination. */
public final class SiteCounters {
  /** Remote endpoints kept per site row; the rest add up under {@link #otherEndpoints}. */
  public static final int MAX_ENDPOINTS_PER_SITE = 32;

  public final CodeSite closeSite;
  public final CodeSite openSite;
  public final Role role;

  /** The library the row's connections went through: the open site's, else the close site's. */
  public final String via;

  final LongAdder[] byKind = {new LongAdder(), new LongAdder(), new LongAdder()};
  public final ConcurrentHashMap<InetSocketAddress, LongAdder> activeByEndpoint =
      new ConcurrentHashMap<>();
  public final LongAdder otherEndpoints = new LongAdder();
  private final LongAdder estimated = new LongAdder();

  SiteCounters(CodeSite closeSite, CodeSite openSite, Role role) {
    this.closeSite = closeSite;
    this.openSite = openSite;
    this.role = role;
    this.via = CodeSite.via(closeSite, openSite);
  }

  /** Counts a close that stands for {@code weight} closes (1: itself only, an exact count). */
  void count(CloseKind kind, InetSocketAddress remote, int weight) {
    byKind[kind.ordinal()].add(weight);
    if (weight > 1) {
      estimated.add(weight);
    }
    if (kind != CloseKind.ACTIVE || remote == null) {
      return;
    }
    LongAdder counter = activeByEndpoint.get(remote);
    if (counter == null) {
      if (activeByEndpoint.size() >= MAX_ENDPOINTS_PER_SITE) {
        otherEndpoints.add(weight);
        return;
      }
      counter = activeByEndpoint.computeIfAbsent(remote, r -> new LongAdder());
    }
    counter.add(weight);
  }

  /**
   * A close counted active with {@code weight} that the kernel reset after its FIN: abortive now.
   * Its destination loses it from the active counts (or from {@link #otherEndpoints}).
   */
  void activeBecameAbortive(InetSocketAddress remote, int weight) {
    byKind[CloseKind.ACTIVE.ordinal()].add(-weight);
    byKind[CloseKind.ABORTIVE.ordinal()].add(weight);
    LongAdder counter = remote == null ? null : activeByEndpoint.get(remote);
    (counter != null ? counter : otherEndpoints).add(-weight);
  }

  /** How many of the row's counted closes are estimated from sampled connections' weights. */
  public long estimated() {
    return estimated.sum();
  }

  public long count(CloseKind kind) {
    return byKind[kind.ordinal()].sum();
  }
}
