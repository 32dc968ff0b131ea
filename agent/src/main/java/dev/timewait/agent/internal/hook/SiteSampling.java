package dev.timewait.agent.internal.hook;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Decides, per connection, whether its open and close sites are walked. The first {@code
 * exactPerSecond} connections of each second always are (weight 1), so that a JVM below that rate
 * has exact site rows. Past it, a connection is walked with probability {@code 1/step} and then
 * stands for {@code step} connections (weight {@code step}); the others get weight 0 and are
 * counted only in the totals and endpoints, which stay exact. Every connection's expected weight is
 * 1 whatever its site, so a row's sum of weights is an unbiased estimate of its closes.
 *
 * <p>{@code step} follows the last second's rate, so that about {@code exactPerSecond} more
 * connections a second are walked past the budget. No lock: the window is rolled by whichever
 * thread first sees it expire.
 */
public final class SiteSampling {
  private static final long SECOND = 1_000_000_000L;

  private final int exactPerSecond;
  private final LongSupplier nanoClock;
  private final RandomGenerator random; // null: the calling thread's ThreadLocalRandom
  private final AtomicLong inWindow = new AtomicLong();
  private final AtomicLong windowStart;
  private volatile int step = 2;

  /**
   * @param exactPerSecond connections a second whose sites are always walked; 0 walks every one
   * @param nanoClock {@link System#nanoTime()} outside tests
   */
  public SiteSampling(int exactPerSecond, LongSupplier nanoClock) {
    this(exactPerSecond, nanoClock, null);
  }

  /** With a random source of its own, for tests that must repeat. */
  SiteSampling(int exactPerSecond, LongSupplier nanoClock, RandomGenerator random) {
    this.exactPerSecond = exactPerSecond;
    this.nanoClock = nanoClock;
    this.random = random;
    this.windowStart = new AtomicLong(nanoClock.getAsLong());
  }

  /** Walks every connection's sites. */
  public static SiteSampling exact() {
    return new SiteSampling(0, System::nanoTime);
  }

  /**
   * The weight of a new connection: 1 (walk, exact), {@code step} (walk, stands for that many), or
   * 0 (do not walk).
   */
  public int weight() {
    if (exactPerSecond <= 0) {
      return 1;
    }
    long now = nanoClock.getAsLong();
    long start = windowStart.get();
    if (now - start >= SECOND && windowStart.compareAndSet(start, now)) {
      long last = inWindow.getAndSet(0);
      // about exactPerSecond walks a second past the budget, at the last second's rate
      step = (int) Math.min(1 << 20, Math.max(2, (last - exactPerSecond) / exactPerSecond + 1));
    }
    if (inWindow.incrementAndGet() <= exactPerSecond) {
      return 1;
    }
    int s = step;
    int draw = random == null ? ThreadLocalRandom.current().nextInt(s) : random.nextInt(s);
    return draw == 0 ? s : 0;
  }

  public int exactPerSecond() {
    return exactPerSecond;
  }
}
