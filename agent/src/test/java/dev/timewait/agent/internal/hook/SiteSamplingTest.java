package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.agent.internal.record.SiteCounters;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SiteSamplingTest {
  private static final long SECOND = 1_000_000_000L;
  private static final InetSocketAddress REMOTE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 80);

  /** A clock the test moves. */
  private static final class Clock {
    long now = 5 * SECOND;
  }

  @Test
  void belowTheRateEveryConnectionIsWalkedAndCountsOnce() {
    Clock clock = new Clock();
    SiteSampling sampling = new SiteSampling(1000, () -> clock.now, new SplittableRandom(1));
    for (int second = 0; second < 10; second++) {
      for (int i = 0; i < 999; i++) {
        assertEquals(1, sampling.weight(), "second " + second + ", connection " + i);
        clock.now += SECOND / 1000;
      }
      clock.now += SECOND / 1000;
    }
  }

  @Test
  void siteRateZeroWalksEveryConnection() {
    SiteSampling exact = SiteSampling.exact();
    for (int i = 0; i < 100_000; i++) {
      assertEquals(1, exact.weight());
    }
  }

  /**
   * The check of the estimate: at ten times the exact rate (10,000 connections a second
   * against {@code siteRate=1000}), with the sites interleaved at random (the worst case for
   * sampling), every site with at least 1 % of the closes is within 2 % of its true count, over the
   * 25 minutes it takes the estimate of a 1 % site to get there (its standard error is about {@code
   * 28 % / sqrt(seconds)} at this rate). Totals stay exact, and about twice {@code siteRate}
   * connections a second are walked.
   */
  @Test
  void atTenTimesTheRateEverySiteOfOnePercentIsWithinTwoPercent() {
    double[] shares = {0.30, 0.20, 0.15, 0.10, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01};
    int seconds = 1500;
    int perSecond = 10_000;
    for (long seed : new long[] {1, 2, 3}) {
      Clock clock = new Clock();
      SplittableRandom random = new SplittableRandom(seed);
      SiteSampling sampling = new SiteSampling(1000, () -> clock.now, random.split());
      CloseRecorder recorder = new CloseRecorder(100, 100, 1024);
      CodeSite open = new CodeSite("Open.open(Open.java:1)", List.of());
      CodeSite[] sites = new CodeSite[shares.length];
      for (int i = 0; i < sites.length; i++) {
        sites[i] = new CodeSite("Site.s" + i + "(Site.java:" + i + ")", List.of());
      }
      long[] truth = new long[shares.length];
      long walked = 0;
      SplittableRandom choice = random.split();
      for (long n = 0; n < (long) seconds * perSecond; n++) {
        clock.now += SECOND / perSecond;
        int site = pick(shares, choice.nextDouble());
        truth[site]++;
        int weight = sampling.weight();
        walked += weight > 0 ? 1 : 0;
        recorder.record(
            weight > 0 ? sites[site] : CodeSite.NOT_SAMPLED,
            weight > 0 ? open : CodeSite.NOT_SAMPLED,
            Role.CLIENT,
            CloseKind.PASSIVE,
            null,
            REMOTE,
            clock.now / 1_000_000,
            weight);
      }
      long total = (long) seconds * perSecond;
      assertEquals(total, recorder.total(Role.CLIENT, CloseKind.PASSIVE), "totals are exact");
      assertEquals(total - walked, recorder.sampledOut(), "every close not walked is counted");
      double walksPerSecond = walked / (double) seconds;
      assertTrue(
          walksPerSecond > 1500 && walksPerSecond < 2200,
          "about 2 x siteRate walked a second: " + walksPerSecond);
      for (SiteCounters row : recorder.sites()) {
        int i = indexOf(sites, row.closeSite);
        long estimate = row.count(CloseKind.PASSIVE);
        double error = (estimate - truth[i]) / (double) truth[i];
        assertTrue(row.estimated() > 0, row.closeSite + " is marked as an estimate");
        assertTrue(
            Math.abs(error) <= 0.02,
            "seed "
                + seed
                + ", "
                + row.closeSite
                + " ("
                + shares[i] * 100
                + " %): estimate "
                + estimate
                + ", true "
                + truth[i]
                + ", error "
                + String.format("%.2f %%", error * 100));
      }
      assertEquals(shares.length, recorder.sites().size(), "one row per site, none unsampled");
    }
  }

  private static int pick(double[] shares, double u) {
    double sum = 0;
    for (int i = 0; i < shares.length; i++) {
      sum += shares[i];
      if (u < sum) {
        return i;
      }
    }
    return shares.length - 1;
  }

  private static int indexOf(CodeSite[] sites, CodeSite site) {
    for (int i = 0; i < sites.length; i++) {
      if (sites[i] == site) {
        return i;
      }
    }
    throw new AssertionError("unknown site " + site);
  }
}
