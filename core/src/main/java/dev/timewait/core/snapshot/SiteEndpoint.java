package dev.timewait.core.snapshot;

/**
 * Active closes of one site towards one remote endpoint.
 *
 * @param remote {@code ip:port} ({@code [v6]:port}), or {@code (other endpoints)}
 * @param active active closes
 */
public record SiteEndpoint(String remote, long active) {}
