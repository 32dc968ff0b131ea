package dev.timewait.agent.internal.record;

import dev.timewait.core.snapshot.PeerIdleTimes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The idle times before the peer's FIN of one endpoint's connections, in {@link PeerIdleTimes}'
 * fixed buckets. Lock-free; made for an endpoint at its first measured close.
 */
final class PeerIdleCounters {
  private final AtomicLongArray buckets = new AtomicLongArray(PeerIdleTimes.BUCKETS);
  private final LongAccumulator minIdle = new LongAccumulator(Math::min, Long.MAX_VALUE);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);
  private volatile String via;

  void add(long millis, String via) {
    buckets.incrementAndGet(PeerIdleTimes.bucket(millis));
    if (millis >= PeerIdleTimes.IDLE_MILLIS) {
      minIdle.accumulate(millis);
    }
    max.accumulate(millis);
    if (via != null) {
      this.via = via;
    }
  }

  PeerIdleTimes snapshot() {
    List<PeerIdleTimes.Bucket> rows = new ArrayList<>();
    long closes = 0;
    for (int b = 0; b < PeerIdleTimes.BUCKETS; b++) {
      long n = buckets.get(b);
      if (n > 0) {
        rows.add(new PeerIdleTimes.Bucket(PeerIdleTimes.fromMillis(b), n));
        closes += n;
      }
    }
    long min = minIdle.get();
    return new PeerIdleTimes(closes, min == Long.MAX_VALUE ? -1 : min, max.get(), rows, via);
  }
}
