package dev.timewait.core.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel settings the findings recommend: every {@code sysctl -w KEY=VALUE} command that a rule
 * wrote into its recommendation (through {@link SysctlConfig#set} or as a literal command), in the
 * findings' order, most severe first. A key asked for twice keeps the first value.
 */
public final class RecommendedSysctls {

  /** The command form the rules write, between backticks: {@code `sysctl -w k=v`}. */
  private static final Pattern COMMAND =
      Pattern.compile("`sysctl -w ([A-Za-z0-9_.\\-/]+)=(\"[^\"`]*\"|[^`\\s\"]*)`");

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
      Matcher m = COMMAND.matcher(finding.recommendation());
      while (m.find()) {
        String key = m.group(1).replace('/', '.');
        String value = m.group(2);
        if (value.startsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        byKey.putIfAbsent(key, new Setting(key, value.strip(), finding));
      }
    }
    return new ArrayList<>(byKey.values());
  }
}
