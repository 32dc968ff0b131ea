package dev.timewait.core.rules;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numeric part of a Linux kernel release such as {@code 6.1.0-28-amd64}.
 *
 * @param major major version
 * @param minor minor version
 */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {

  /** {@code tcp_tw_recycle} was removed (commit 4396e46187ca). */
  public static final KernelVersion RECYCLE_REMOVED = new KernelVersion(4, 12);

  /** {@code tcp_tw_reuse = 2} (loopback only) exists and is the default (commit 79e9fed46038). */
  public static final KernelVersion REUSE_LOOPBACK_MODE = new KernelVersion(4, 18);

  /** {@code tcp_tw_reuse_delay} exists (commit ca6a6f93867a). */
  public static final KernelVersion REUSE_DELAY = new KernelVersion(6, 14);

  private static final Pattern RELEASE = Pattern.compile("^\\s*(\\d+)\\.(\\d+)");

  /** Parses the leading {@code major.minor} of a release string, or returns null. */
  public static KernelVersion parse(String release) {
    if (release == null) {
      return null;
    }
    Matcher matcher = RELEASE.matcher(release);
    if (!matcher.find()) {
      return null;
    }
    try {
      return new KernelVersion(
          Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether this version is {@code other} or later. */
  public boolean atLeast(KernelVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(KernelVersion other) {
    return major != other.major
        ? Integer.compare(major, other.major)
        : Integer.compare(minor, other.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
