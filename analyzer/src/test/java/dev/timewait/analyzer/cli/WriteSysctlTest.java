package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.HostTreeBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report --write-sysctl FILE}: the recommended settings as a sysctl.d drop-in, accepted by
 * {@code sysctl -p} inside a network namespace of the test's own, and nothing else.
 */
class WriteSysctlTest {

  /** What the rules recommend for the host below, and nothing more. */
  static final Map<String, String> EXPECTED =
      Map.of(
          "net.ipv4.tcp_timestamps", "1",
          "net.ipv4.tcp_tw_reuse", "1",
          "net.ipv4.ip_local_port_range", "15000 65000");

  @TempDir Path dir;
  Path host;
  Path dropIn;

  /** A client host out of ports, with reuse and timestamps off. */
  @BeforeEach
  void host() {
    host = dir.resolve("host");
    HostTreeBuilder.healthy(host)
        .sysctl("net.ipv4.tcp_timestamps", "0")
        .sysctl("net.ipv4.tcp_tw_reuse", "0")
        .sysctl("net.ipv4.ip_local_port_range", "40000 40999")
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 900)
        .build();
    dropIn = dir.resolve("90-timewait.conf");
  }

  @Test
  void holdsExactlyTheRecommendedSettingsWithWhyAndWhichFinding() throws Exception {
    CliRun run =
        CliRun.of("report", "--host-root", host.toString(), "--write-sysctl", dropIn.toString());
    assertTrue(run.code() == 0 || run.code() == 1, run.err());
    List<String> lines = Files.readAllLines(dropIn, StandardCharsets.UTF_8);
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("=", 2);
      settings.put(kv[0].strip(), kv[1].strip());
      String why = lines.get(i - 1);
      assertTrue(why.startsWith("# ") && why.matches("# .+ \\(finding [A-Z_]+, [a-z]+\\)"), why);
      String id = why.substring(why.indexOf("(finding ") + 9, why.lastIndexOf(','));
      assertTrue(run.out().contains("`" + id + "`"), "the finding " + id + " is in the report");
    }
    assertEquals(EXPECTED, settings, String.join("\n", lines));
  }

  @Test
  void noRecommendationGivesADropInWithoutSettings() throws Exception {
    Path healthy = dir.resolve("healthy");
    HostTreeBuilder.healthy(healthy).build();
    CliRun run =
        CliRun.of("report", "--host-root", healthy.toString(), "--write-sysctl", dropIn.toString());
    assertEquals(0, run.code(), run.err());
    for (String line : Files.readAllLines(dropIn)) {
      assertTrue(line.isBlank() || line.startsWith("#"), "no setting: " + line);
    }
  }

  @Test
  void sysctlAcceptsItInANetworkNamespace() throws Exception {
    Assumptions.assumeTrue(
        "0".equals(run(List.of("id", "-u")).strip()),
        "sysctl -p in a network namespace needs root: skipped");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/unshare")), "no unshare (util-linux): skipped");
    CliRun run =
        CliRun.of("report", "--host-root", host.toString(), "--write-sysctl", dropIn.toString());
    assertTrue(run.code() == 0 || run.code() == 1, run.err());
    String rootBefore = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
    List<String> command = new ArrayList<>(List.of("unshare", "-n", "sh", "-ec"));
    StringBuilder script = new StringBuilder("sysctl -p '" + dropIn + "' >/dev/null");
    for (String key : EXPECTED.keySet()) {
      script.append("; echo \"").append(key).append("=$(sysctl -n ").append(key).append(")\"");
    }
    command.add(script.toString());
    Map<String, String> inNamespace = new LinkedHashMap<>();
    for (String line : run(command).split("\n")) {
      String[] kv = line.split("=", 2);
      inNamespace.put(kv[0], kv[1].strip().replaceAll("\\s+", " "));
    }
    assertEquals(EXPECTED, inNamespace, "the namespace after sysctl -p");
    assertEquals(
        rootBefore,
        Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")),
        "the root namespace is untouched");
    assertFalse(Files.readString(dropIn).contains("tcp_tw_recycle"));
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }
}
