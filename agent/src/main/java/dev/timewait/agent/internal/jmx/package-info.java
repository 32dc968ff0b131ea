/**
 * The MBeans: each MXBean interface beside its implementation. They run on JMX threads and read the
 * latest model or samples that {@code background} and {@code record} keep; open types only, so a
 * console with none of the agent's classes shows everything.
 */
package dev.timewait.agent.internal.jmx;
