package dev.timewait.core.snapshot;

/**
 * The JVM that wrote the snapshot.
 *
 * @param pid process id
 * @param javaVersion {@code java.version}
 * @param mainClass main class, or null when unknown
 * @param hostName host name, or null when unknown
 */
public record JvmInfo(long pid, String javaVersion, String mainClass, String hostName) {}
