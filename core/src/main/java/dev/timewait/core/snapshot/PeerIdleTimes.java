package dev.timewait.core.snapshot;

import java.util.List;

/**
 * How long the connections this JVM opened to one endpoint sat idle before the peer closed them
 * (its FIN came first), as a histogram with fixed bounds, so that the rows of several snapshots add
 * up. A server that closes connections idle for some time T shows as a cluster just above T.
 *
 * @param closes connections measured
 * @param minIdleMillis the shortest idle time of at least {@link #IDLE_MILLIS}, or -1 when none
 * @param maxMillis the longest idle time
 * @param buckets the non-empty buckets, shortest first
 * @param via the library of the connections measured last (as {@link SiteStats#via}), or null
 */
public record PeerIdleTimes(
    long closes, long minIdleMillis, long maxMillis, List<Bucket> buckets, String via) {

  /**
   * Below this a peer's close is not an idle cut-off: a server that closes right after its response
   * (or a request's own {@code Connection: close}).
   */
  public static final long IDLE_MILLIS = 1_000;

  /** Fewer closes after an idle time than this tell no cut-off. */
  public static final int MIN_IDLE_CLOSES = 3;

  /** Buckets per doubling of the idle time: each is about 19% wide. */
  static final int PER_DOUBLING = 4;

  /** Bucket 0 holds the closes under {@link #IDLE_MILLIS}; the last one everything past ~9 h. */
  public static final int BUCKETS = 62;

  /**
   * The connections whose idle time was at least {@code fromMillis} and below the next bucket's.
   */
  public record Bucket(long fromMillis, long count) {}

  public PeerIdleTimes {
    buckets = Snapshot.withoutNulls(buckets);
  }

  /** The bucket of an idle time. */
  public static int bucket(long millis) {
    if (millis < IDLE_MILLIS) {
      return 0;
    }
    int b = 1 + (int) Math.floor(PER_DOUBLING * log2((double) millis / IDLE_MILLIS) + 1e-9);
    return Math.min(b, BUCKETS - 1);
  }

  /** The shortest idle time of a bucket. */
  public static long fromMillis(int bucket) {
    if (bucket <= 0) {
      return 0;
    }
    return (long) Math.ceil(IDLE_MILLIS * Math.pow(2, (double) (bucket - 1) / PER_DOUBLING));
  }

  /** Closes that came after at least {@link #IDLE_MILLIS} of idle time. */
  public long idleCloses() {
    long n = 0;
    for (Bucket b : buckets) {
      if (b.fromMillis >= IDLE_MILLIS) {
        n += b.count;
      }
    }
    return n;
  }

  /**
   * The closes in the cluster that starts at the shortest idle time: its bucket and the next (idle
   * times from {@link #minIdleMillis} to at most about 1.4 times it).
   */
  public long nearShortest() {
    if (minIdleMillis < 0) {
      return 0;
    }
    int first = bucket(minIdleMillis);
    long n = 0;
    for (Bucket b : buckets) {
      int k = bucket(b.fromMillis);
      if (k == first || k == first + 1) {
        n += b.count;
      }
    }
    return n;
  }

  /** The longest idle time in the cluster: the upper bound of {@link #nearShortest()}'s buckets. */
  public long clusterUpToMillis() {
    return Math.min(maxMillis, fromMillis(bucket(minIdleMillis) + 2));
  }

  /**
   * The server's idle cut-off: the shortest idle time of at least {@link #IDLE_MILLIS} (the server
   * never closes sooner), when at least {@link #MIN_IDLE_CLOSES} closes came after an idle time and
   * at least half of them lie in the cluster just above it; else -1.
   */
  public long serverCutoffMillis() {
    long idleCloses = idleCloses();
    if (minIdleMillis < 0 || idleCloses < MIN_IDLE_CLOSES) {
      return -1;
    }
    return nearShortest() * 2 >= idleCloses ? minIdleMillis : -1;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
