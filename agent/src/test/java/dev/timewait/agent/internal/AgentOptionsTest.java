package dev.timewait.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  @Test
  void defaultsWhenEmpty() {
    for (String text : new String[] {null, "", "  ", ",,"}) {
      AgentOptions o = AgentOptions.parse(text);
      assertNull(o.snapshot);
      assertEquals(Duration.ofSeconds(10), o.interval);
      assertEquals(1000, o.maxSites);
      assertEquals(1000, o.maxEndpoints);
      assertEquals(8, o.stackDepth);
      assertEquals(1000, o.siteRate);
      assertEquals(AgentOptions.DEFAULT_EXCLUDES, o.exclude);
      assertTrue(o.jmx);
      assertEquals(Path.of("/"), o.hostRoot);
    }
  }

  @Test
  void everyKnownKey() {
    AgentOptions o =
        AgentOptions.parse(
            "snapshot=/tmp/tw.json, interval=500ms,maxSites=5,maxEndpoints=7,"
                + "exclude=com.acme.pool.;org.example.,stackDepth=3,recentCloses=64,jmx=false,"
                + "jmxDelay=0s,hostRoot=/mnt/host,siteRate=0");
    assertEquals(Path.of("/tmp/tw.json"), o.snapshot);
    assertEquals(Duration.ofMillis(500), o.interval);
    assertEquals(5, o.maxSites);
    assertEquals(7, o.maxEndpoints);
    assertEquals(3, o.stackDepth);
    assertEquals(0, o.siteRate);
    assertEquals(64, o.recentCloses);
    assertFalse(o.jmx);
    assertEquals(Duration.ZERO, o.jmxDelay);
    assertEquals(Path.of("/mnt/host"), o.hostRoot);
    assertTrue(o.exclude.containsAll(java.util.List.of("com.acme.pool.", "org.example.")));
    assertEquals("5", o.given().get("maxSites"));
  }

  @Test
  void unknownKeyIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("maxSite=5"));
    assertTrue(e.getMessage().contains("unknown option 'maxSite'"), e.getMessage());
    assertTrue(e.getMessage().contains("maxSites"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void badValuesAreNamed() {
    String[][] cases = {
      {"maxSites=lots", "maxSites"},
      {"maxSites=0", "out of range"},
      {"hostRoot=", "hostRoot"},
      {"interval=soon", "interval"},
      {"interval=10ms", "out of range"},
      {"jmx=yes", "true or false"},
      {"stackDepth=1000", "out of range"},
      {"siteRate=-1", "out of range"},
      {"siteRate=fast", "siteRate"},
      {"snapshot=", "snapshot"},
      {"interval", "key=value"},
      {"maxSites=1,maxSites=2", "twice"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line");
    }
  }

  @Test
  void hugeOrRandomInputNeverThrowsAnythingElse() {
    assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("x".repeat(100_000)));
    Random random = new Random(42);
    for (int i = 0; i < 2000; i++) {
      char[] chars = new char[random.nextInt(80)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = (char) random.nextInt(0x3000);
      }
      String text = new String(chars);
      try {
        AgentOptions.parse(text);
      } catch (IllegalArgumentException expected) {
        assertTrue(expected.getMessage().length() < 300, "short message for " + text);
        assertFalse(expected.getMessage().contains("\n"));
      }
    }
  }

  @Test
  void thresholdsForTheFindingsMBean() {
    AgentOptions o = AgentOptions.parse("thresholds=churnPerMinute=5;portWarn=0.4,interval=1s");
    assertEquals(5, o.thresholds.churnPerMinute());
    assertEquals(0.4, o.thresholds.portWarn());
    assertEquals(
        dev.timewait.core.rules.Thresholds.defaults().closeWait(), o.thresholds.closeWait());
    assertEquals(
        dev.timewait.core.rules.Thresholds.defaults(),
        AgentOptions.parse("").thresholds,
        "the analyzer's defaults");
    for (String bad :
        new String[] {"thresholds=bogus=1", "thresholds=portWarn", "thresholds=portWarn=x"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(bad));
      assertTrue(e.getMessage().startsWith("option 'thresholds': "), e.getMessage());
    }
  }
}
