package dev.timewait.core.snapshot;

/**
 * How connections were closed.
 *
 * @param active closed by this JVM first (this JVM's side enters TIME_WAIT)
 * @param passive closed by the peer first
 * @param abortive reset ({@code SO_LINGER 0}), no TIME_WAIT
 */
public record CloseCounts(long active, long passive, long abortive) {}
