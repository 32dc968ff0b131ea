package dev.timewait.core.rules;

import static dev.timewait.core.rules.TestHosts.input;
import static dev.timewait.testing.HostTreeBuilder.LOCAL;
import static dev.timewait.testing.HostTreeBuilder.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each finding's settings ({@link Finding#sysctls()}, what {@code report --write-sysctl} writes)
 * are exactly the {@code sysctl -w} commands its recommendation tells the reader to run, in order.
 */
class FindingSysctlsTest {

  /** The command as the text shows it, between backticks; read here apart from the rules. */
  private static final Pattern COMMAND =
      Pattern.compile("`sysctl -w ([A-Za-z0-9_.]+)=(\"[^\"`]*\"|[^`\\s\"]*)`");

  @TempDir Path dir;

  @Test
  void theSettingsAreTheCommandsOfTheText() {
    List<Finding> findings = new ArrayList<>();
    findings.addAll(
        Analyzer.standard()
            .analyze(
                input(
                    healthy(dir.resolve("old"))
                        .kernel("4.9.0-19-amd64")
                        .sysctl("net.ipv4.tcp_tw_recycle", "1")
                        .sysctl("net.ipv4.ip_forward", "1")
                        .tcpExt("PAWSPassive", 17))));
    findings.addAll(
        Analyzer.standard()
            .analyze(
                input(
                    healthy(dir.resolve("busy"))
                        .sysctl("net.ipv4.tcp_tw_reuse", "0")
                        .sysctl("net.ipv4.tcp_timestamps", "0")
                        .sysctl("net.ipv4.tcp_max_tw_buckets", "100")
                        .sysctl("net.netfilter.nf_conntrack_count", "900")
                        .sysctl("net.netfilter.nf_conntrack_max", "1000")
                        .sockstat(200, 95)
                        .clientTimeWait(LOCAL, "198.51.100.9", 443, 85))));

    Set<String> keys = new TreeSet<>();
    for (Finding finding : findings) {
      List<SysctlSetting> inText = new ArrayList<>();
      Matcher m = COMMAND.matcher(finding.recommendation());
      while (m.find()) {
        inText.add(new SysctlSetting(m.group(1), m.group(2).replace("\"", "")));
      }
      assertEquals(inText, finding.sysctls(), finding.id() + ": " + finding.recommendation());
      finding.sysctls().forEach(s -> keys.add(s.key()));
    }
    assertEquals(
        Set.of(
            "net.ipv4.tcp_tw_recycle",
            "net.ipv4.tcp_timestamps",
            "net.ipv4.tcp_tw_reuse",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_max_tw_buckets",
            "net.netfilter.nf_conntrack_max"),
        keys,
        "every rule that recommends a setting is covered");
  }
}
