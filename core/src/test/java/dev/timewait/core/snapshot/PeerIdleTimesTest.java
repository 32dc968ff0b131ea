package dev.timewait.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixed buckets of idle times before a peer's close, and the cluster at the shortest. */
class PeerIdleTimesTest {

  @Test
  void everyBucketStartsWhereTheBucketOfItsStartIs() {
    for (int b = 0; b < PeerIdleTimes.BUCKETS; b++) {
      long from = PeerIdleTimes.fromMillis(b);
      assertEquals(b, PeerIdleTimes.bucket(from), "bucket " + b + " from " + from);
      if (b > 1) {
        assertEquals(b - 1, PeerIdleTimes.bucket(from - 1), "just below bucket " + b);
      }
    }
  }

  @Test
  void bucketsAreAboutNineteenPercentWideFromOneSecond() {
    assertEquals(0, PeerIdleTimes.bucket(999));
    assertEquals(1, PeerIdleTimes.bucket(1_000));
    assertEquals(1, PeerIdleTimes.bucket(1_189));
    assertEquals(2, PeerIdleTimes.bucket(1_190));
    assertEquals(5, PeerIdleTimes.bucket(2_000));
    assertEquals(PeerIdleTimes.BUCKETS - 1, PeerIdleTimes.bucket(Long.MAX_VALUE / 2));
    for (int b = 2; b < PeerIdleTimes.BUCKETS - 1; b++) {
      double width = (double) PeerIdleTimes.fromMillis(b + 1) / PeerIdleTimes.fromMillis(b);
      assertTrue(width > 1.18 && width < 1.20, "bucket " + b + " is " + width + " wide");
    }
  }

  @Test
  void theClusterIsTheShortestIdleTimesBucketAndTheNext() {
    PeerIdleTimes idle =
        new PeerIdleTimes(
            9,
            30_050,
            95_000,
            List.of(
                new PeerIdleTimes.Bucket(0, 2),
                new PeerIdleTimes.Bucket(PeerIdleTimes.fromMillis(PeerIdleTimes.bucket(30_050)), 4),
                new PeerIdleTimes.Bucket(
                    PeerIdleTimes.fromMillis(PeerIdleTimes.bucket(30_050) + 1), 1),
                new PeerIdleTimes.Bucket(
                    PeerIdleTimes.fromMillis(PeerIdleTimes.bucket(95_000)), 2)),
            null);
    assertEquals(7, idle.idleCloses());
    assertEquals(5, idle.nearShortest());
    long upTo = idle.clusterUpToMillis();
    assertTrue(upTo > 30_050 * 1.18 && upTo < 30_050 * 1.45, "cluster up to " + upTo);
  }
}
