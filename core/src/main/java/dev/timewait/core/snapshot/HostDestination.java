package dev.timewait.core.snapshot;

/**
 * A client-side destination in the host's table.
 *
 * @param local local address
 * @param remote remote {@code ip:port}
 * @param timeWait TIME_WAIT sockets to it
 * @param usable usable ephemeral ports, or null when the port range is unknown
 * @param utilization share of the usable ports held, or null when unknown
 */
public record HostDestination(
    String local, String remote, long timeWait, Integer usable, Double utilization) {}
