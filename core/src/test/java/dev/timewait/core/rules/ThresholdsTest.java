package dev.timewait.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThresholdsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    Thresholds defaults = Thresholds.defaults();
    assertEquals(0.5, defaults.portWarn());
    assertEquals(0.8, defaults.portCritical());
    assertEquals(0.5, defaults.reuseShare());
    assertEquals(1000, defaults.loopbackOnlyTimeWait());
    assertEquals(0.9, defaults.twBucketsShare());
    assertEquals(1000, defaults.serverTimeWait());
    assertEquals(0.8, defaults.conntrackShare());
    assertEquals(100, defaults.closeWait());
    assertEquals(100, defaults.churnPerMinute());
  }

  @Test
  void oneValueChangesAndNamesIgnoreCase() {
    Thresholds changed = Thresholds.defaults().with("PORTWARN", "0.3").with("closeWait", "250");
    assertEquals(0.3, changed.portWarn());
    assertEquals(250, changed.closeWait());
    assertEquals(0.8, changed.portCritical());
  }

  @Test
  void badInputIsRefusedWithAReason() {
    Thresholds defaults = Thresholds.defaults();
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> defaults.with("nope", "1"))
            .getMessage()
            .contains("known: reuseShare, portWarn"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> defaults.with("portWarn", "-1"))
            .getMessage()
            .contains("must be >= 0"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> defaults.with("portWarn", "half"))
            .getMessage()
            .contains("not a number"));
  }
}
