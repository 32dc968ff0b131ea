package dev.timewait.core.host;

import java.util.List;

/**
 * How long the TIME_WAIT sockets still have to live, in buckets of {@link #BUCKET_SECONDS} seconds.
 * Sockets that lived their full length are in the last bucket, so a host where TIME_WAIT is created
 * steadily shows a flat spread and a burst shows as one tall bucket.
 *
 * @param counts {@code counts.get(i)} sockets have between {@code i * BUCKET_SECONDS} (inclusive)
 *     and {@code (i + 1) * BUCKET_SECONDS} seconds left; the last bucket also holds anything longer
 */
public record TimerSpread(List<Long> counts) {

  /** Width of one bucket. */
  public static final int BUCKET_SECONDS = 10;

  /** Number of buckets: TIME_WAIT lasts 60 s on Linux, the last bucket catches longer timers. */
  public static final int BUCKETS = 7;

  public TimerSpread {
    counts = List.copyOf(counts);
  }

  /** Sockets counted in all buckets. */
  public long total() {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }
}
