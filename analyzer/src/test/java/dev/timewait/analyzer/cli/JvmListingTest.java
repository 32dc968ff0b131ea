package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of {@code timewait jvms} that need no JVM: command lines, /proc status, output. */
class JvmListingTest {

  @Test
  void theMainClassJarOrModuleOfAJavaCommandLine() {
    assertEquals(
        "com.example.Main",
        JavaCommandLine.mainOf(
            List.of("java", "-Xmx1g", "-cp", "a.jar:b.jar", "-Dx=y", "com.example.Main", "arg")));
    assertEquals("app.jar", JavaCommandLine.mainOf(List.of("/usr/bin/java", "-jar", "app.jar")));
    assertEquals(
        "my.mod/my.Main",
        JavaCommandLine.mainOf(List.of("java", "-p", "mods", "-m", "my.mod/my.Main")));
    assertEquals(
        "my.mod", JavaCommandLine.mainOf(List.of("java", "--add-opens", "x=y", "--module=my.mod")));
    assertNull(JavaCommandLine.mainOf(List.of("java", "-version")));
    assertNull(JavaCommandLine.mainOf(List.of("java", "-jar")));
    assertNull(JavaCommandLine.mainOf(List.of()));
  }

  @Test
  void procStatusGivesTheEffectiveUidTheInnermostPidAndSigquit() {
    JvmConnection.ProcStatus container =
        JvmConnection.ProcStatus.parse(
            List.of(
                "Name:\tjava",
                "Uid:\t1000\t65534\t65534\t65534",
                "NSpid:\t4242\t1",
                "SigCgt:\t0000000181005ccf"),
            4242);
    assertEquals(65534, container.uid());
    assertEquals(1, container.nsPid());
    assertTrue(container.catchesSigquit());
    JvmConnection.ProcStatus sleeper =
        JvmConnection.ProcStatus.parse(List.of("Uid:\t0\t0\t0\t0", "SigCgt:\t0000000000000000"), 7);
    assertEquals(7, sleeper.nsPid(), "no NSpid line: the pid itself");
    assertFalse(sleeper.catchesSigquit());
    JvmConnection.ProcStatus odd = JvmConnection.ProcStatus.parse(List.of("Uid:", "NSpid:\tx"), 9);
    assertEquals(-1, odd.uid());
    assertEquals(9, odd.nsPid());
  }

  @Test
  void tableAndJsonSayWhatIsKnownAndWhyTheRestIsNot() throws Exception {
    List<JvmStatus> statuses =
        List.of(
            new JvmStatus(10, 10, "app", "com.example.Main", "17.0.15", true, "", 12.5, null),
            new JvmStatus(20, 1, "app", "app.jar", "25.0.3", false, null, null, null),
            new JvmStatus(
                30, 30, "nobody", "?", null, null, null, null, "run by nobody: only that user"));
    List<String> lines = JvmsCommand.table(statuses).lines().toList();
    assertEquals(
        "PID     USER    JDK      AGENT  CLOSES/MIN  MAIN              NOTE", lines.get(0));
    assertEquals("10      app     17.0.15  yes    12.5        com.example.Main", lines.get(1));
    assertEquals("20 (1)  app     25.0.3   no     -           app.jar", lines.get(2));
    assertEquals(
        "30      nobody  ?        ?      -           ?                 run by nobody: only that user",
        lines.get(3));
    JsonNode json = new ObjectMapper().readTree(JvmsCommand.json(statuses));
    assertEquals(12.5, json.at("/jvms/0/activeClosesPerMinute").asDouble());
    assertEquals(1, json.at("/jvms/1/nsPid").asLong());
    assertTrue(json.at("/jvms/2/agent").isNull());
    assertEquals("run by nobody: only that user", json.at("/jvms/2/problem").asText());
    assertEquals(
        List.of("PID  USER  JDK  AGENT  CLOSES/MIN  MAIN  NOTE", "(no JVM found on this host)"),
        JvmsCommand.table(List.of()).lines().toList());
  }
}
