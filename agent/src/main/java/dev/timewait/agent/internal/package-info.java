/**
 * Wiring, in the agent's isolated class loader: options, installation and removal, error counting
 * and fault injection. The subpackages say which thread runs them: {@code hook} on the
 * application's threads, {@code background} on the agent's own, {@code jmx} on JMX threads, {@code
 * instrumentation} at class load, {@code record} shared between them.
 */
package dev.timewait.agent.internal;
