package dev.timewait.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.SocketPair;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotReaderTest {

  private final SnapshotReader reader = new SnapshotReader();

  static Path example() throws URISyntaxException {
    return Path.of(
        SnapshotReaderTest.class.getResource("/snapshot/documented-example.json").toURI());
  }

  @Test
  void readsTheDocumentedExample() throws Exception {
    Snapshot snapshot = reader.read(example());

    assertEquals(Snapshot.SCHEMA, snapshot.schema());
    assertEquals(Instant.parse("2026-11-24T15:20:00Z"), snapshot.takenAt());
    assertEquals(new JvmInfo(123, "17.0.15", "com.example.Main", "web-1"), snapshot.jvm());
    assertEquals(10, snapshot.totals().active());
    assertEquals(new CloseCounts(9, 4, 1), snapshot.totals().byRole().get(Role.CLIENT));
    SiteStats site = snapshot.sites().get(0);
    assertEquals("com.example.Client.call(Client.java:42)", site.site());
    assertEquals(Role.CLIENT, site.role());
    assertEquals(List.of(new SiteEndpoint("127.0.0.1:8080", 9)), site.endpoints());
    assertEquals(2, site.stack().size());
    assertEquals(new EndpointStats("127.0.0.1:8080", 9, 4, 1), snapshot.endpoints().get(0));
    assertEquals(new OverflowCounts(0, 0, 0), snapshot.overflow());
    assertEquals(
        new CloseWaitStats("com.example.Leaky.open(Leaky.java:12)", Role.CLIENT, 3),
        snapshot.closeWait().get(0));
    assertEquals(
        new RecentClose(
            SocketPair.parse("127.0.0.1:40000", "127.0.0.1:8080"),
            Instant.parse("2026-11-24T15:19:59.120Z"),
            "com.example.Client.call(Client.java:42)",
            "com.example.Client.connect(Client.java:30)",
            Role.CLIENT),
        snapshot.recentActiveCloses().get(0));
  }

  @Test
  void ignoresUnknownFieldsAndRolesAndToleratesMissingOnes() throws Exception {
    Snapshot snapshot =
        reader.read(
            "{\"schema\":\"timewait.snapshot/1\",\"future\":{\"x\":1},"
                + "\"sites\":[{\"site\":\"a\",\"role\":\"PROXY\",\"active\":2,\"newField\":[]},null],"
                + "\"recentActiveCloses\":[{\"local\":\"[::1]:1\",\"remote\":\"[::1]:2\"}]}",
            "test");

    assertEquals(Role.UNKNOWN, snapshot.sites().get(0).role());
    assertEquals(1, snapshot.sites().size());
    assertEquals(List.of(), snapshot.endpoints());
    assertEquals(new OverflowCounts(0, 0, 0), snapshot.overflow());
    assertEquals("[::1]:1", snapshot.recentActiveCloses().get(0).local());
  }

  @Test
  void errorsAreOneLineAndNameTheSource(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"schema\": \"timewait.snapshot/1\",\n \"sites\": [ }");
    Path other = dir.resolve("other.json");
    Files.writeString(other, "{\"schema\": \"timewait.snapshot/2\"}");
    Path notOurs = dir.resolve("package.json");
    Files.writeString(notOurs, "{\"name\": \"x\"}");
    Path badTime = dir.resolve("time.json");
    Files.writeString(badTime, "{\"schema\": \"timewait.snapshot/1\", \"takenAt\": \"yesterday\"}");

    for (Path file : List.of(broken, other, notOurs, badTime, dir.resolve("missing.json"), dir)) {
      SnapshotException e = assertThrows(SnapshotException.class, () -> reader.read(file));
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertTrue(e.getMessage().startsWith("snapshot " + file + ": "), e.getMessage());
    }
    assertTrue(
        assertThrows(SnapshotException.class, () -> reader.read(broken))
            .getMessage()
            .contains("at line 2"));
    assertEquals(
        "snapshot "
            + other
            + ": unsupported schema \"timewait.snapshot/2\", expected "
            + "timewait.snapshot/1",
        assertThrows(SnapshotException.class, () -> reader.read(other)).getMessage());
  }

  @Test
  void refusesInputPastTheSizeLimit() throws Exception {
    SnapshotException e =
        assertThrows(SnapshotException.class, () -> new SnapshotReader(100).read(example()));

    assertEquals("snapshot " + example() + ": larger than 100 bytes, not read", e.getMessage());
  }
}
