package com.example.stacks.boot;

import com.example.stacks.jdbc.PgClient;
import com.example.stacks.netty.EpollClient;
import java.util.Arrays;

/**
 * The {@code Start-Class} of the Spring Boot fat jar: runs the case named by the first argument, so
 * the case's classes load from {@code BOOT-INF/classes} and its libraries from the nested jars
 * under {@code BOOT-INF/lib}, through Spring Boot's launcher class loader.
 */
public final class BootLauncher {
  private BootLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: netty-epoll|pgjdbc [--key value]...");
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "netty-epoll":
        EpollClient.main(rest);
        break;
      case "pgjdbc":
        PgClient.main(rest);
        break;
      default:
        throw new IllegalArgumentException("unknown case " + args[0]);
    }
  }
}
