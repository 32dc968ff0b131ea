package dev.timewait.core.owners;

/**
 * A process of the host, as {@code /proc/PID} shows it.
 *
 * @param pid process id (in the reader's pid namespace)
 * @param name {@code /proc/PID/comm}, e.g. {@code python3}; null when unreadable
 * @param commandLine {@code /proc/PID/cmdline} with spaces between the arguments, shortened; null
 *     when unreadable or empty (a kernel thread)
 * @param containerId the container id {@code /proc/PID/cgroup} names (64 hex digits), or null
 * @param netns the inode of its network namespace ({@code /proc/PID/ns/net})
 */
public record HostProcess(
    long pid, String name, String commandLine, String containerId, long netns) {

  /** {@code pid name}, for evidence lines. */
  public String label() {
    return pid + " " + (name == null ? "?" : name);
  }
}
