package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped alerting rules pass {@code promtool check rules} and their unit tests; the rules and
 * the Grafana dashboard use only names the exporter configuration produces.
 */
class PrometheusRulesIT {

  @Test
  void promtoolChecksAndTestsTheRules() throws Exception {
    Path promtool = PrometheusFiles.onPath("promtool");
    Assumptions.assumeTrue(
        promtool != null, "promtool not installed (Debian package prometheus): skipped");
    String check = run(List.of(promtool.toString(), "check", "rules", "timewait-alerts.yml"));
    assertTrue(check.contains("SUCCESS: 13 rules found"), check);
    String test = run(List.of(promtool.toString(), "test", "rules", "timewait-alerts.test.yml"));
    assertTrue(test.contains("SUCCESS"), test);
  }

  @Test
  void rulesAndDashboardUseOnlyExportedNames() throws Exception {
    Set<String> exported = PrometheusFiles.exportedNames();
    assertTrue(exported.size() >= 25, exported.toString());
    for (Path file : List.of(PrometheusFiles.ALERTS, PrometheusFiles.DASHBOARD)) {
      Set<String> unknown = new TreeSet<>(PrometheusFiles.namesUsedIn(file));
      assertFalse(unknown.isEmpty(), file + " uses no timewait metric");
      unknown.removeAll(exported);
      assertEquals(Set.of(), unknown, file + " uses names the exporter does not produce");
    }
  }

  @Test
  void theDashboardIsOneGrafanaDashboardWithAQueryPerPanel() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(PrometheusFiles.DASHBOARD.toFile());
    assertEquals("timewait", dashboard.get("uid").asText());
    assertTrue(dashboard.get("panels").size() >= 8);
    for (JsonNode panel : dashboard.get("panels")) {
      String expr = panel.get("targets").get(0).get("expr").asText();
      assertTrue(expr.contains("timewait_"), panel.get("title") + ": " + expr);
      assertTrue(expr.contains("instance=~\"$instance\""), "filtered by the JVM picker: " + expr);
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(PrometheusFiles.DIR.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
