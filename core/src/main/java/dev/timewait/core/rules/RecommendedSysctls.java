package dev.timewait.core.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel settings the findings recommend, in the findings' order, most severe first: each
 * finding's own {@link Finding#sysctls()}. A key asked for twice keeps the first value.
 */
public final class RecommendedSysctls {

  /**
   * One recommended setting.
   *
   * @param key the sysctl name, e.g. {@code net.ipv4.tcp_tw_reuse}
   * @param value the value as a sysctl.d line takes it, e.g. {@code 1} or {@code 15000 65000}
   * @param finding the finding that asked for it
   */
  public record Setting(String key, String value, Finding finding) {}

  private RecommendedSysctls() {}

  /** The settings recommended by {@code findings}. */
  public static List<Setting> of(List<Finding> findings) {
    Map<String, Setting> byKey = new LinkedHashMap<>();
    for (Finding finding : findings) {
      for (SysctlSetting asked : finding.sysctls()) {
        byKey.putIfAbsent(asked.key(), new Setting(asked.key(), asked.value(), finding));
      }
    }
    return new ArrayList<>(byKey.values());
  }
}
