/**
 * The agent's counters, written from the application's threads by {@code hook} and read by the
 * {@code background} and {@code jmx} code: totals by kind and role, site and endpoint rows, the
 * recent active closes for matching. Bounded tables with counted overflow, {@code LongAdder} and
 * {@code ConcurrentHashMap}: the write side takes no lock and allocates only for a new row.
 */
package dev.timewait.agent.internal.record;
