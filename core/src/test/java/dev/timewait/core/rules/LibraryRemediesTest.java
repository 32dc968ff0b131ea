package dev.timewait.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The remedies name the pool, the shared client or the server setting of the library used. */
class LibraryRemediesTest {
  private static final String CLOSE = "com.example.Orders.load(Orders.java:40)";
  private static final String OPEN = "com.example.Orders.connect(Orders.java:30)";

  private static SiteStats row(Role role, String via, List<String> stack) {
    return new SiteStats(
        CLOSE,
        OPEN,
        role,
        600,
        0,
        0,
        stack,
        List.of(new SiteEndpoint("10.0.0.7:5432", 600)),
        List.of(),
        via);
  }

  @Test
  void eachClientLibraryGetsItsIdleSettingBelowTheServersCutoff() {
    String[][] cases = {
      {"org.postgresql:postgresql:42.7.8", "keepaliveTime to 45 s"},
      {"com.mysql:mysql-connector-j:9.1.0", "wait_timeout"},
      {"com.squareup.okhttp3:okhttp-jvm:5.3.2", "keepAliveDuration is 45 s"},
      {"org.apache.httpcomponents.client5:httpclient5:5.5.1", "evictIdleConnections(TimeValue)"},
      {"org.apache.httpcomponents:httpclient:4.5.14", "evictIdleConnections(45 s)"},
      {"java.net.http", "jdk.httpclient.keepalive.timeout=45"},
      {"redis.clients:jedis:6.2.0", "setMinEvictableIdleDuration of 45 s"},
      {"io.lettuce:lettuce-core:6.8.1.RELEASE", "PING"},
      {"io.grpc:grpc-netty-shaded:1.85.1", "idleTimeout or keepAliveTime of 45 s"},
      {"io.netty:netty-handler:4.2.7.Final", "IdleStateHandler"},
      {"org.example:pool:1.0", "the pool of org.example:pool:1.0"},
    };
    for (String[] c : cases) {
      String remedy = LibraryRemedies.forIdleCutoff(c[0], 45_000);
      assertTrue(remedy.contains(c[1]), c[0] + ": " + remedy);
    }
    assertTrue(LibraryRemedies.forIdleCutoff(null, 45_000).contains("idle for 45 s"));
  }

  @Test
  void eachClientLibraryGetsItsOwnRemedy() {
    assertTrue(
        LibraryRemedies.forClient(
                row(Role.CLIENT, "org.postgresql:postgresql:42.7.4", List.of(CLOSE)))
            .contains("HikariCP"));
    assertTrue(
        LibraryRemedies.forClient(
                row(
                    Role.CLIENT,
                    "org.postgresql:postgresql:42.7.4",
                    List.of(
                        "com.zaxxer.hikari.pool.PoolBase.quietlyCloseConnection(PoolBase.java:1)")))
            .contains("maxLifetime"),
        "a pool that retires connections is told how to keep them");
    assertTrue(
        LibraryRemedies.forClient(row(Role.CLIENT, "io.grpc:grpc-netty-shaded:1.85.1", List.of()))
            .contains("one ManagedChannel per target"));
    assertTrue(
        LibraryRemedies.forClient(
                row(Role.CLIENT, "com.squareup.okhttp3:okhttp-jvm:5.5.1", List.of()))
            .contains("one OkHttpClient"));
    assertTrue(
        LibraryRemedies.forClient(row(Role.CLIENT, "redis.clients:jedis:8.0.2", List.of()))
            .contains("JedisPool"));
    assertTrue(
        LibraryRemedies.forClient(
                row(Role.CLIENT, "io.netty:netty-transport:4.2.18.Final", List.of()))
            .contains("ChannelPool"));
    assertTrue(
        LibraryRemedies.forClient(
                row(Role.CLIENT, "org.apache.httpcomponents.client5:httpclient5:5.5", List.of()))
            .contains("PoolingHttpClientConnectionManager"));
    assertTrue(
        LibraryRemedies.forClient(row(Role.CLIENT, "java.net.http", List.of()))
            .contains("one shared HttpClient"));
    assertNull(LibraryRemedies.forClient(row(Role.CLIENT, null, List.of())));
  }

  @Test
  void serversAreToldTheirKeepAliveSettingsByName() {
    assertTrue(
        LibraryRemedies.forServer(
                row(Role.SERVER, "org.eclipse.jetty:jetty-server:12.1.14", List.of()))
            .contains("ServerConnector.setIdleTimeout"));
    assertTrue(
        LibraryRemedies.forServer(row(Role.SERVER, "io.undertow:undertow-core:2.3.20", List.of()))
            .contains("IDLE_TIMEOUT"));
    assertTrue(
        LibraryRemedies.forServer(row(Role.SERVER, "jdk.httpserver", List.of()))
            .contains("sun.net.httpserver.idleInterval"));
  }

  @Test
  void theChurnFindingCarriesTheDriversRemedy() {
    SiteStats site = row(Role.CLIENT, "org.postgresql:postgresql:42.7.4", List.of(CLOSE));
    List<RecentClose> recent = new java.util.ArrayList<>();
    for (RecentClose close : TestHosts.recent(CLOSE, "10.0.0.1", "10.0.0.7:5432", 150)) {
      recent.add(new RecentClose(close.pair(), close.at(), CLOSE, OPEN, Role.CLIENT));
    }
    Finding finding =
        new ClientChurnSiteRule()
            .evaluate(
                TestHosts.snapshotsOnly(
                    TestHosts.snapshot("web-1", 1, List.of(site), recent, List.of())))
            .orElseThrow();
    assertTrue(finding.recommendation().contains("HikariDataSource"), finding.recommendation());
    assertTrue(
        finding.evidence().get(0).contains("through org.postgresql:postgresql:42.7.4"),
        finding.evidence().get(0));
    assertEquals(1, finding.recommendation().split("PostgreSQL JDBC").length - 1);
  }
}
