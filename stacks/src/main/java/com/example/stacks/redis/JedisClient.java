package com.example.stacks.redis;

import com.example.stacks.CaseArgs;
import redis.clients.jedis.Jedis;

/**
 * Jedis with a client per call, the usual misuse without {@code JedisPool}. Jedis sets {@code
 * SO_LINGER} 0, so each close is a reset.
 */
public final class JedisClient {
  private JedisClient() {}

  public static void main(String[] args) {
    CaseArgs options = CaseArgs.parse(args);
    System.exit(CaseArgs.runCalls("jedis", options.calls(), i -> call(options.port(), i)));
  }

  static void call(int port, int index) {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      jedis.set("stacks:" + index, "v" + index);
      if (!("v" + index).equals(jedis.get("stacks:" + index))) {
        throw new IllegalStateException("unexpected value");
      }
    }
  }
}
