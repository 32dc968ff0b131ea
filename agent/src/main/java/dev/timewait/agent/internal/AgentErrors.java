package dev.timewait.agent.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors inside the agent: counted, and logged at most one line per kind per minute, so that a
 * failing agent never floods the application's stderr.
 */
public final class AgentErrors {
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;

  private final LongAdder count = new LongAdder();
  private final ConcurrentHashMap<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();

  public void record(String kind, Throwable error) {
    count.increment();
    long now = System.nanoTime();
    AtomicLong last = lastLogged.computeIfAbsent(kind, k -> new AtomicLong(now - LOG_EVERY_NANOS));
    long previous = last.get();
    if (now - previous >= LOG_EVERY_NANOS && last.compareAndSet(previous, now)) {
      System.err.println("timewait: " + kind + " failed: " + error);
    }
  }

  public long count() {
    return count.sum();
  }
}
