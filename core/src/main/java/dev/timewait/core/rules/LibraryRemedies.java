package dev.timewait.core.rules;

import dev.timewait.core.snapshot.SiteStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Remedies that fit the library a site row's connections went through (its {@code via}): the pool,
 * the shared client or the server setting of that library, by name.
 */
final class LibraryRemedies {
  private LibraryRemedies() {}

  /** How to stop a client site from connecting and closing per call, or null for no library. */
  static String forClient(SiteStats site) {
    String via = site.via();
    if (via == null) {
      return null;
    }
    if (via.startsWith("org.postgresql:")) {
      return usesHikari(site)
          ? "HikariCP is retiring its PostgreSQL connections: raise maxLifetime and idleTimeout"
              + " (below the server's idle cut-off) and keep minimumIdle connections open"
          : "PostgreSQL JDBC ("
              + via
              + ") connects per DriverManager.getConnection(): take"
              + " connections from a pool (HikariCP's HikariDataSource) and close() them back";
    }
    if (via.startsWith("com.mysql:") || via.startsWith("org.mariadb.jdbc:")) {
      return "the JDBC driver (" + via + ") connects per getConnection(): use a pool (HikariCP)";
    }
    if (via.startsWith("io.grpc:")) {
      return "gRPC ("
          + via
          + "): build one ManagedChannel per target and keep it for the life of"
          + " the process (it multiplexes every call); shutting a channel down closes its"
          + " connections";
    }
    if (via.startsWith("com.squareup.okhttp3:")) {
      return "OkHttp ("
          + via
          + "): share one OkHttpClient, which owns the connection pool (derive"
          + " variants with newBuilder()), and close every response body";
    }
    if (via.startsWith("redis.clients:jedis")) {
      return "Jedis ("
          + via
          + "): take connections from a JedisPool (or use JedisPooled) instead of"
          + " a new Jedis per call";
    }
    if (via.startsWith("io.lettuce:")) {
      return "Lettuce (" + via + "): share one RedisClient and its StatefulRedisConnection";
    }
    if (via.startsWith("org.apache.httpcomponents")) {
      return "Apache HttpClient ("
          + via
          + "): one CloseableHttpClient for the application with a"
          + " PoolingHttpClientConnectionManager, and consume each response entity so that its"
          + " connection returns to the pool";
    }
    if (via.startsWith("java.net.http")) {
      return "the JDK HttpClient: one shared HttpClient instance, and no `Connection: close`"
          + " header";
    }
    if (via.startsWith("io.netty:") || via.startsWith("io.projectreactor.netty:")) {
      return "Netty ("
          + via
          + "): keep channels open and reuse them, or take them from a"
          + " ChannelPool (FixedChannelPool) per remote address";
    }
    return null;
  }

  /** Which settings keep a server's connections open, by the server library; or null. */
  static String forServer(SiteStats site) {
    String via = site.via();
    if (via == null) {
      return null;
    }
    if (via.startsWith("org.eclipse.jetty")) {
      return "Jetty ("
          + via
          + "): raise ServerConnector.setIdleTimeout and keep HTTP/1.1"
          + " persistent connections (no `Connection: close` in responses)";
    }
    if (via.startsWith("io.undertow:")) {
      return "Undertow ("
          + via
          + "): raise UndertowOptions.IDLE_TIMEOUT and NO_REQUEST_TIMEOUT"
          + " and keep ALWAYS_SET_KEEP_ALIVE on";
    }
    if (via.startsWith("org.apache.tomcat")) {
      return "Tomcat ("
          + via
          + "): raise the Connector's keepAliveTimeout and"
          + " maxKeepAliveRequests";
    }
    if (via.startsWith("io.netty:") || via.startsWith("io.projectreactor.netty:")) {
      return "Netty ("
          + via
          + "): do not close the channel after each response, and let an"
          + " IdleStateHandler close only idle ones";
    }
    if (via.startsWith("io.grpc:")) {
      return "gRPC (" + via + "): raise the server's maxConnectionIdle and maxConnectionAge";
    }
    if (via.startsWith("jdk.httpserver")) {
      return "com.sun.net.httpserver: raise sun.net.httpserver.idleInterval and"
          + " sun.net.httpserver.maxIdleConnections, and send keep-alive responses";
    }
    return null;
  }

  /**
   * How to keep a client library's pooled connections idle for less than {@code below} (a duration,
   * as {@code 45 s}), where the server closes them later than that; null {@code via} names no
   * library.
   */
  static String forIdleCutoff(String via, long belowMillis) {
    String below = ServerIdleCutoffRule.duration(belowMillis);
    if (via == null) {
      return "close pooled connections that have been idle for "
          + below
          + " (the pool's idle or"
          + " eviction time), or keep them busy with a validation query sooner";
    }
    if (via.startsWith("org.postgresql:")) {
      return "PostgreSQL JDBC ("
          + via
          + ") through HikariCP: set keepaliveTime to "
          + below
          + " or less, or idleTimeout and maxLifetime below the server's cut-off (the server"
          + " side: idle_session_timeout, or a proxy's idle timeout)";
    }
    if (via.startsWith("com.mysql:") || via.startsWith("org.mariadb.jdbc:")) {
      return "the JDBC driver ("
          + via
          + ") through HikariCP: set keepaliveTime to "
          + below
          + " or less, or maxLifetime below the server's wait_timeout";
    }
    if (via.startsWith("com.squareup.okhttp3:")) {
      return "OkHttp ("
          + via
          + "): give the shared OkHttpClient a ConnectionPool(maxIdleConnections, keepAliveDuration,"
          + " unit) whose keepAliveDuration is "
          + below
          + " (the default keeps idle connections 5 minutes)";
    }
    if (via.startsWith("org.apache.httpcomponents.client5:")) {
      return "Apache HttpClient ("
          + via
          + "): HttpClientBuilder.evictIdleConnections(TimeValue) with "
          + below
          + ", and ConnectionConfig.setValidateAfterInactivity below it";
    }
    if (via.startsWith("org.apache.httpcomponents")) {
      return "Apache HttpClient ("
          + via
          + "): HttpClientBuilder.evictIdleConnections("
          + below
          + ") and setValidateAfterInactivity on the PoolingHttpClientConnectionManager";
    }
    if (via.startsWith("java.net.http")) {
      return "the JDK HttpClient: start the JVM with -Djdk.httpclient.keepalive.timeout="
          + Math.max(1, belowMillis / 1000)
          + " (seconds), so that its HTTP/1.1 pool closes idle connections first";
    }
    if (via.startsWith("redis.clients:jedis")) {
      return "Jedis ("
          + via
          + "): a JedisPool whose config has setTestWhileIdle(true), setMinEvictableIdleDuration of "
          + below
          + " and setTimeBetweenEvictionRuns shorter than that; or the Redis server's `timeout 0`";
    }
    if (via.startsWith("io.lettuce:")) {
      return "Lettuce ("
          + via
          + "): it reconnects after the server's close; send a PING more often than every "
          + below
          + ", or set the Redis server's `timeout` to 0";
    }
    if (via.startsWith("io.grpc:")) {
      return "gRPC ("
          + via
          + "): ManagedChannelBuilder.idleTimeout or keepAliveTime of "
          + below
          + ", so that the channel closes or pings its connection first";
    }
    if (via.startsWith("io.netty:") || via.startsWith("io.projectreactor.netty:")) {
      return "Netty ("
          + via
          + "): an IdleStateHandler that closes channels idle for "
          + below
          + ", or a ChannelPool that health-checks them";
    }
    return "the pool of "
        + via
        + ": close connections that have been idle for "
        + below
        + " (its idle or eviction time)";
  }

  /** The distinct remedies of several rows, in their order. */
  static List<String> distinct(List<String> remedies) {
    List<String> out = new ArrayList<>();
    for (String remedy : remedies) {
      if (remedy != null && !out.contains(remedy)) {
        out.add(remedy);
      }
    }
    return out;
  }

  /** A remedy as a sentence of its own. */
  static String sentence(String remedy) {
    return Character.toUpperCase(remedy.charAt(0)) + remedy.substring(1) + ".";
  }

  private static boolean usesHikari(SiteStats site) {
    for (String frame : site.stack()) {
      if (frame.startsWith("com.zaxxer.hikari.")) {
        return true;
      }
    }
    return false;
  }
}
