package com.example.stacks.redis;

import com.example.stacks.CaseArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce (on Netty, native epoll where it loads) with a connection per call from one {@code
 * RedisClient}: each call connects, runs a command and closes the connection.
 */
public final class LettuceClient {
  private LettuceClient() {}

  public static void main(String[] args) {
    CaseArgs options = CaseArgs.parse(args);
    RedisClient client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(options.port())
                .withTimeout(Duration.ofSeconds(5))
                .build());
    int status = CaseArgs.runCalls("lettuce", options.calls(), i -> call(client, i));
    client.shutdown(0, 2, TimeUnit.SECONDS);
    System.exit(status);
  }

  static void call(RedisClient client, int index) {
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().set("stacks:" + index, "v" + index);
      if (!("v" + index).equals(connection.sync().get("stacks:" + index))) {
        throw new IllegalStateException("unexpected value");
      }
    }
  }
}
