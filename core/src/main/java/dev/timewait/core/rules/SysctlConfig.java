package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SysctlFileEntry;
import java.util.ArrayList;
import java.util.List;

/** Where the sysctl configuration files set a key, and how to make a value permanent. */
final class SysctlConfig {

  /** The file this tool suggests for persistent settings. */
  static final String SUGGESTED_FILE = "/etc/sysctl.d/90-timewait.conf";

  private SysctlConfig() {}

  static List<SysctlFileEntry> entries(HostSample host, String key) {
    List<SysctlFileEntry> found = new ArrayList<>();
    for (SysctlFileEntry entry : host.sysctlFiles()) {
      if (entry.key().equals(key)) {
        found.add(entry);
      }
    }
    return found;
  }

  static String where(SysctlFileEntry entry) {
    return entry.file() + ":" + entry.line() + " sets " + entry.key() + " = " + entry.value();
  }

  /**
   * "run X now and persist it": the exact commands for one setting, which is added to {@code
   * asked}, the finding's settings.
   */
  static String set(HostSample host, String key, String value, List<SysctlSetting> asked) {
    asked.add(new SysctlSetting(key, value));
    List<SysctlFileEntry> existing = entries(host, key);
    String persist =
        existing.isEmpty()
            ? "add the line `" + key + " = " + value + "` to " + SUGGESTED_FILE
            : "change "
                + existing.get(existing.size() - 1).file()
                + " line "
                + existing.get(existing.size() - 1).line()
                + " to `"
                + key
                + " = "
                + value
                + "`";
    return "`sysctl -w " + key + "=" + value + "`, and " + persist + " so it survives a reboot";
  }
}
