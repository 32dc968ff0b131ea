/**
 * What runs on the application's threads, inside its socket calls: receiving the instrumented JDK
 * methods' events, naming the open and close sites, and judging each connection's end when our
 * first FIN leaves ({@link dev.timewait.agent.internal.hook.CloseClassifier}).
 *
 * <p>The rule of this package: no locks, no I/O beyond the kernel queries the verdict needs (one
 * zero-timeout {@code poll}, {@code FIONREAD} and {@code getsockopt}-like calls), no allocation
 * that can be avoided, no class loading after the first event, and nothing thrown into the
 * application: every failure is counted and the call returns. Work that can wait goes to {@code
 * record}'s lock-free counters and the {@code background} threads.
 */
package dev.timewait.agent.internal.hook;
