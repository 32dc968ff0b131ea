/**
 * The fleet as a Prometheus server sees it: the {@code timewait_*} series that the JMX exporter
 * publishes from every agent, read back through the query API as agent snapshots and findings.
 */
package dev.timewait.analyzer.prometheus;
