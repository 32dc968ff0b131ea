package dev.timewait.stacks;

import static dev.timewait.core.snapshot.Role.CLIENT;
import static dev.timewait.core.snapshot.Role.SERVER;

import dev.timewait.core.snapshot.Role;
import java.util.List;
import java.util.Map;

/**
 * The cases of the suite, with the gaps today's agent has on each (issue 12). A gap listed here
 * prints as {@code KNOWN GAP} while {@code stacks.expectKnownGaps} is true; remove it when the
 * agent closes it.
 */
final class StackCases {
  private static final String APP = "com.example.stacks.";

  private StackCases() {}

  static List<StackCase> all() {
    List<String> echoServer =
        List.of(APP + "netty.EchoServer.start", APP + "netty.EchoServer$Echo.channelRead");
    List<String> grpcServer =
        List.of(APP + "grpc.EchoGrpcServer.start", APP + "grpc.EchoGrpcServer.echo");
    List<String> httpServer =
        List.of(
            APP + "http.LoopbackHttpServer.serve",
            APP + "http.LoopbackHttpServer.acceptLoop",
            APP + "http.LoopbackHttpServer.start");
    List<String> closeGet = List.of(APP + "http.ConnectionCloseGet.get");
    return List.of(
        inJvm(
            "jdk-socket",
            "JDK `java.net.Socket` (control)",
            "jdk.SocketClient",
            Map.of(
                CLIENT,
                List.of(APP + "jdk.SocketClient.call"),
                SERVER,
                List.of(APP + "jdk.SocketClient.serve", APP + "jdk.SocketClient.acceptLoop")),
            17,
            Map.of()),
        inJvm(
            "jdk-virtual-threads",
            "JDK `java.net.Socket` on virtual threads",
            "jdk.VirtualThreadClient",
            Map.of(
                CLIENT,
                List.of(APP + "jdk.VirtualThreadClient.call"),
                SERVER,
                List.of(
                    APP + "jdk.VirtualThreadClient.serve",
                    APP + "jdk.VirtualThreadClient.acceptLoop")),
            21,
            Map.of()),
        inJvm(
            "netty-epoll",
            "Netty 4.2 native epoll (`EpollSocketChannel`)",
            "netty.EpollClient",
            Map.of(CLIENT, List.of(APP + "netty.EpollClient.call"), SERVER, echoServer),
            17,
            Map.of()),
        inJvm(
            "netty-io_uring",
            "Netty 4.2 native io_uring (`IoUringSocketChannel`)",
            "netty.IoUringClient",
            Map.of(CLIENT, List.of(APP + "netty.IoUringClient.call"), SERVER, echoServer),
            17,
            Map.of()),
        inJvm(
            "netty-nio",
            "Netty 4.2 NIO (`NioSocketChannel`)",
            "netty.NioClient",
            Map.of(CLIENT, List.of(APP + "netty.NioClient.call"), SERVER, echoServer),
            17,
            Map.of()),
        inJvm(
            "grpc-epoll",
            "gRPC-java 1.85 `grpc-netty-shaded` (relocated epoll), a channel per call",
            "grpc.GrpcClient",
            Map.of(CLIENT, List.of(APP + "grpc.GrpcClient.call"), SERVER, grpcServer),
            17,
            Map.of()),
        inJvm(
            "grpc-nio",
            "gRPC-java 1.85 on its relocated NIO transport, a channel per call",
            "grpc.GrpcNioClient",
            Map.of(CLIENT, List.of(APP + "grpc.GrpcNioClient.call"), SERVER, grpcServer),
            17,
            Map.of()),
        external(
            "pgjdbc",
            "PostgreSQL JDBC 42.7, a connection per query (PostgreSQL 15)",
            "jdbc.PgClient",
            null,
            StackCase.Server.POSTGRES,
            List.of(APP + "jdbc.PgClient.query"),
            Map.of()),
        external(
            "jedis",
            "Jedis 8, a client per call (redis-server 7)",
            "redis.JedisClient",
            null,
            StackCase.Server.REDIS,
            List.of(APP + "redis.JedisClient.call"),
            Map.of()),
        external(
            "lettuce",
            "Lettuce 7, a connection per call (redis-server 7)",
            "redis.LettuceClient",
            null,
            StackCase.Server.REDIS,
            List.of(APP + "redis.LettuceClient.call"),
            Map.of()),
        inJvm(
            "okhttp",
            "OkHttp 5, a client per call",
            "http.OkHttpCaller",
            Map.of(CLIENT, List.of(APP + "http.OkHttpCaller.call"), SERVER, httpServer),
            17,
            Map.of()),
        inJvm(
            "apache-httpclient5",
            "Apache HttpClient 5, a client per call",
            "http.ApacheCaller",
            Map.of(CLIENT, List.of(APP + "http.ApacheCaller.call"), SERVER, httpServer),
            17,
            Map.of()),
        inJvm(
            "jetty",
            "Jetty 12 server closing connections (`Connection: close`)",
            "jetty.JettyServerApp",
            Map.of(
                CLIENT,
                closeGet,
                SERVER,
                List.of(
                    APP + "jetty.JettyServerApp.start", APP + "jetty.JettyServerApp$Hello.handle")),
            17,
            Map.of()),
        inJvm(
            "undertow",
            "Undertow 2.4 server closing connections (`Connection: close`)",
            "undertow.UndertowServerApp",
            Map.of(
                CLIENT,
                closeGet,
                SERVER,
                List.of(
                    APP + "undertow.UndertowServerApp.start",
                    APP + "undertow.UndertowServerApp.handle")),
            17,
            Map.of()),
        inJvm(
            "jdk-httpserver",
            "`com.sun.net.httpserver` closing connections (`Connection: close`)",
            "jdk.HttpServerApp",
            Map.of(
                CLIENT,
                closeGet,
                SERVER,
                List.of(APP + "jdk.HttpServerApp.start", APP + "jdk.HttpServerApp.handle")),
            17,
            Map.of()),
        new StackCase(
            "boot-netty-epoll",
            "Spring Boot 4 fat jar: Netty epoll from `BOOT-INF/lib`",
            APP + "netty.EpollClient",
            "netty-epoll",
            StackCase.Server.IN_JVM,
            Map.of(CLIENT, List.of(APP + "netty.EpollClient.call"), SERVER, echoServer),
            17,
            Map.of()),
        external(
            "boot-pgjdbc",
            "Spring Boot 4 fat jar: PostgreSQL JDBC from `BOOT-INF/lib`",
            "jdbc.PgClient",
            "pgjdbc",
            StackCase.Server.POSTGRES,
            List.of(APP + "jdbc.PgClient.query"),
            Map.of()));
  }

  private static StackCase inJvm(
      String id,
      String library,
      String mainClass,
      Map<Role, List<String>> ownMethods,
      int minJdk,
      Map<Check, String> knownGaps) {
    return new StackCase(
        id, library, APP + mainClass, null, StackCase.Server.IN_JVM, ownMethods, minJdk, knownGaps);
  }

  private static StackCase external(
      String id,
      String library,
      String mainClass,
      String bootCase,
      StackCase.Server server,
      List<String> clientMethods,
      Map<Check, String> knownGaps) {
    return new StackCase(
        id,
        library,
        APP + mainClass,
        bootCase,
        server,
        Map.of(CLIENT, clientMethods),
        17,
        knownGaps);
  }
}
