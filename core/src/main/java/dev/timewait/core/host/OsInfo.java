package dev.timewait.core.host;

/**
 * The operating system of the sampled host.
 *
 * @param family {@code Linux}, {@code macOS}, {@code Windows}..., or null when unknown
 * @param description a human-readable OS name and version, or null when unknown
 * @param kernelRelease the kernel release (Linux {@code /proc/sys/kernel/osrelease}), or null when
 *     unknown
 */
public record OsInfo(String family, String description, String kernelRelease) {}
