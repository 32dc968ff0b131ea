package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code top} and {@code capture}: one line and exit 2. */
class TopAndCaptureUsageTest {

  @TempDir Path dir;

  @Test
  void topRefusesAMissingProcess() {
    CliRun run = CliRun.of("top", "--pid", "999999999", "-b", "-n", "1");
    assertEquals(2, run.code());
    assertEquals("timewait: no process with pid 999999999", run.errLine());
  }

  @Test
  void topRefusesANegativeCountAndANullDelay() {
    assertEquals("timewait: -n must be 0 or more", CliRun.of("top", "-n", "-1").errLine());
    assertEquals(
        "timewait: --delay must be longer than 0", CliRun.of("top", "-d", "0s", "-b").errLine());
  }

  @Test
  void captureNeedsAnExistingFolderAndReadableSnapshots() throws Exception {
    CliRun missing = CliRun.of("capture", "-o", dir.resolve("no/such/host.tar.gz").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.errLine().contains("does not exist"), missing.err());

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{ not json");
    CliRun run =
        CliRun.of(
            "capture", "-o", dir.resolve("h.tar.gz").toString(), "--snapshot", bad.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().startsWith("timewait: "), run.err());
    assertTrue(!Files.exists(dir.resolve("h.tar.gz")), "nothing written");
  }

  @Test
  void reportRefusesAFileThatIsNoCapture() throws Exception {
    Path notAnArchive = dir.resolve("host.tar.gz");
    Files.writeString(notAnArchive, "plain text");
    CliRun run = CliRun.of("report", "--host-root", notAnArchive.toString());
    assertEquals(2, run.code());
    assertEquals(
        "timewait: host root "
            + notAnArchive
            + " is neither a folder nor a capture written by 'timewait capture'",
        run.errLine());
  }
}
