package dev.timewait.core.host;

/**
 * One {@code key = value} line of a sysctl configuration file.
 *
 * @param key the sysctl name with dots, e.g. {@code net.ipv4.tcp_tw_reuse} (slashes are turned into
 *     dots)
 * @param value the value as written, trimmed
 * @param file the file's path as seen on the sampled host, e.g. {@code
 *     /etc/sysctl.d/99-tuning.conf}
 * @param line the 1-based line number
 */
public record SysctlFileEntry(String key, String value, String file, int line) {}
