package dev.timewait.core.host.oshi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.HostSample;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * OSHI without its native half: JNA refused, the JNA jar or the OSHI jar missing. The collector
 * starts, samples, and says what it could not read instead of throwing. Each case runs in a JVM of
 * its own, since JNA initializes once per JVM.
 */
class OshiUnavailableTest {

  /** Samples once with OSHI and prints what is unavailable, then the TIME_WAIT count. */
  public static final class Probe {
    public static void main(String[] args) {
      HostSample sample = new OshiHostCollector().sampleTable();
      System.out.println(sample.unavailable());
      System.out.println(sample.timeWaitNow());
    }
  }

  @Test
  void jnaRefusingToLoadItsLibraryIsReportedAsUnavailable() throws Exception {
    List<String> out =
        probe(List.of("-Djna.nosys=true", "-Djna.nounpack=true"), classPath(true, true));
    assertTrue(out.get(0).startsWith("[everything: OSHI could not start: "), out.toString());
    assertEquals("null", out.get(1));
  }

  @Test
  void missingJnaIsReportedAsUnavailable() throws Exception {
    List<String> out = probe(List.of(), classPath(true, false));
    assertEquals(
        "[everything: OSHI could not start: java.lang.NoClassDefFoundError: com/sun/jna/Platform]",
        out.get(0));
  }

  @Test
  void missingOshiIsReportedAsUnavailable() throws Exception {
    List<String> out = probe(List.of(), classPath(false, true));
    assertEquals(
        "[everything: OSHI could not start: java.lang.NoClassDefFoundError: oshi/SystemInfo]",
        out.get(0));
  }

  private static List<String> probe(List<String> jvmArgs, String classPath) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classPath, Probe.class.getName()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "the probe ran to the end: " + out);
    return out.lines().toList();
  }

  private static String classPath(boolean oshi, boolean jna) throws Exception {
    List<String> entries = new ArrayList<>();
    entries.add(location("dev.timewait.core.host.HostCollector"));
    entries.add(location(Probe.class.getName()));
    entries.add(location("org.slf4j.LoggerFactory"));
    if (oshi) {
      entries.add(location("oshi.SystemInfo"));
    }
    if (jna) {
      entries.add(location("com.sun.jna.Platform"));
      entries.add(location("com.sun.jna.platform.linux.LibC"));
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String location(String className) throws Exception {
    Class<?> type = Class.forName(className, false, OshiUnavailableTest.class.getClassLoader());
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
