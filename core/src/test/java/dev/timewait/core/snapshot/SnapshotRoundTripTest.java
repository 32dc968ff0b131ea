package dev.timewait.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.host.SocketPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotRoundTripTest {

  static Snapshot everyField() {
    Instant now = Instant.parse("2026-12-01T10:00:00.123Z");
    return new Snapshot(
        Snapshot.SCHEMA,
        now,
        "0.1.0",
        new JvmInfo(4242, "17.0.15", "com.example.Main", "web-1"),
        now.minusSeconds(600),
        new CloseTotals(
            12,
            3,
            1,
            Map.of(
                Role.CLIENT, new CloseCounts(10, 1, 1),
                Role.SERVER, new CloseCounts(2, 2, 0),
                Role.UNKNOWN, new CloseCounts(0, 0, 0)),
            1),
        List.of(
            new SiteStats(
                "com.example.Client.call(Client.java:42)",
                "com.example.Client.connect(Client.java:30)",
                Role.CLIENT,
                10,
                1,
                1,
                List.of(
                    "com.example.Client.call(Client.java:42)",
                    "com.example.Main.main(Main.java:7)"),
                List.of(
                    new SiteEndpoint("[::1]:8080", 9),
                    new SiteEndpoint(EndpointStats.OTHER_ENDPOINTS, 1)),
                List.of("com.example.Client.connect(Client.java:30)"),
                "org.example:client:1.0",
                9),
            new SiteStats(
                SiteStats.OTHER_SITES,
                null,
                Role.SERVER,
                2,
                2,
                0,
                List.of(),
                List.of(),
                List.of())),
        List.of(
            new EndpointStats("127.0.0.1:8080", 9, 4, 1),
            new EndpointStats(
                "[::1]:5432",
                0,
                3,
                0,
                new PeerIdleTimes(
                    3,
                    2_004,
                    2_100,
                    List.of(new PeerIdleTimes.Bucket(0, 1), new PeerIdleTimes.Bucket(1_682, 2)),
                    "org.postgresql:postgresql:42.7.8")),
            new EndpointStats(
                "127.0.0.1:6379",
                0,
                1,
                0,
                new PeerIdleTimes(1, -1, 12, List.of(new PeerIdleTimes.Bucket(0, 1)), null))),
        new OverflowCounts(1, 2, 3, 40),
        List.of(new CloseWaitStats("com.example.Leaky.open(Leaky.java:12)", Role.CLIENT, 3)),
        List.of(
            new RecentClose(
                new SocketPair("127.0.0.1", 40000, "127.0.0.1", 8080),
                now.minusMillis(880),
                "com.example.Client.call(Client.java:42)",
                "com.example.Client.connect(Client.java:30)",
                Role.CLIENT),
            new RecentClose(
                new SocketPair("::1", 40002, "2001:db8::7", 443),
                now.minusMillis(10),
                "com.example.Client.call(Client.java:42)",
                null,
                Role.UNKNOWN)),
        7,
        new HostSection(
            now.minusSeconds(2),
            "linux-proc",
            "6.18.0",
            13000L,
            4L,
            List.of(
                new HostDestination("127.0.0.1", "127.0.0.1:8080", 12000, 28232, 0.425),
                new HostDestination("10.0.0.1", "10.0.0.9:443", 7, null, null)),
            new HostMatch(
                2,
                1,
                13000,
                0.5,
                1.0 / 13000,
                List.of(
                    new HostMatch.OwnedSite(
                        "com.example.Client.call(Client.java:42)",
                        "com.example.Client.connect(Client.java:30)",
                        Role.CLIENT,
                        1))),
            List.of("/proc/net/nf_conntrack: not readable")));
  }

  @Test
  void whatTheWriterWritesTheReaderReadsBackEqual() throws Exception {
    Snapshot model = everyField();

    String json = SnapshotWriter.toJson(model);

    assertEquals(model, new SnapshotReader().read(json, "test"));
  }

  @Test
  void unknownHostFiguresStayAbsentInsteadOfBecomingNumbers() throws Exception {
    Snapshot model = everyField();
    Snapshot early =
        new Snapshot(
            model.schema(),
            model.takenAt(),
            model.agentVersion(),
            model.jvm(),
            model.startedAt(),
            model.totals(),
            model.sites(),
            model.endpoints(),
            model.overflow(),
            model.closeWait(),
            model.recentActiveCloses(),
            model.internalCloses(),
            new HostSection(null, null, null, null, null, List.of(), null, List.of()));

    String json = SnapshotWriter.toJson(early);
    JsonNode host = new ObjectMapper().readTree(json).get("host");

    assertNull(host.get("timeWait"), json);
    assertNull(host.get("match"), json);
    assertEquals(early, new SnapshotReader().read(json, "test"));
  }

  @Test
  void theWrittenDocumentIsValidJsonWithTheDocumentedFieldNames() throws Exception {
    JsonNode root = new ObjectMapper().readTree(SnapshotWriter.toJson(everyField()));

    assertEquals(Snapshot.SCHEMA, root.get("schema").asText());
    assertEquals(
        "[::1]:8080", root.get("sites").get(0).get("endpoints").get(0).get("remote").asText());
    assertEquals("[::1]:40002", root.get("recentActiveCloses").get(1).get("local").asText());
    assertEquals("[2001:db8::7]:443", root.get("recentActiveCloses").get(1).get("remote").asText());
    assertEquals(28232, root.get("host").get("destinations").get(0).get("usable").asLong());
    assertEquals(1, root.get("host").get("match").get("sites").get(0).get("timeWait").asLong());
  }
}
