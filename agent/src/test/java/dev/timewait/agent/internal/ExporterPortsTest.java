package dev.timewait.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExporterPortsTest {
  @Test
  void readsThePortWithOrWithoutAHost() {
    assertArrayEquals(
        new int[] {9404, 9405, 9406},
        ExporterPorts.of(
            List.of(
                "-Xmx1g",
                "-javaagent:/opt/timewait-agent.jar=interval=10s",
                "-javaagent:/opt/jmx_prometheus_javaagent-1.0.1.jar=127.0.0.1:9404:/etc/c.yaml",
                "-javaagent:jmx_prometheus_javaagent.jar=9405:c.yaml",
                "-javaagent:/x/jmx_prometheus_javaagent-1.0.1.jar=[::1]:9406:c.yaml",
                "-jar",
                "app.jar")));
  }

  @Test
  void otherAgentsAndBrokenArgumentsGiveNone() {
    assertArrayEquals(
        new int[0],
        ExporterPorts.of(
            List.of(
                "-javaagent:/opt/other.jar=127.0.0.1:9404:c.yaml",
                "-javaagent:/opt/jmx_prometheus_javaagent.jar",
                "-javaagent:/opt/jmx_prometheus_javaagent.jar=host:c.yaml",
                "jmx_prometheus=1:2")));
  }
}
