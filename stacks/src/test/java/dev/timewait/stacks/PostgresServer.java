package dev.timewait.stacks;

import dev.timewait.testing.NetNamespace;
import dev.timewait.testing.NetNamespace.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL server from Debian's {@code postgresql} package, in the suite's namespace: {@code
 * initdb} in a temporary folder, {@code pg_ctl start} on 127.0.0.1 and a given port, as the {@code
 * postgres} user when the suite runs as root (PostgreSQL refuses root), {@code pg_ctl stop} after.
 */
final class PostgresServer implements AutoCloseable {
  private static final String OS_USER = "postgres";

  private final NetNamespace namespace;
  private final Path bin;
  private final Path base;
  private final boolean asPostgresUser;
  private final int port;

  private PostgresServer(
      NetNamespace namespace, Path bin, Path base, boolean asPostgresUser, int port) {
    this.namespace = namespace;
    this.bin = bin;
    this.base = base;
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /** The folder with {@code initdb} and {@code pg_ctl}, or null when PostgreSQL is missing. */
  static Path binaries() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Path newest =
            versions
                .map(version -> version.resolve("bin"))
                .filter(dir -> Files.isExecutable(dir.resolve("pg_ctl")))
                .max((a, b) -> Integer.compare(major(a), major(b)))
                .orElse(null);
        if (newest != null) {
          return newest;
        }
      }
    }
    Path onPath = Commands.which("pg_ctl");
    return onPath == null ? null : onPath.toRealPath().getParent();
  }

  private static int major(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Why the server cannot run here, or null when it can. */
  static String unavailable() throws IOException {
    if (binaries() == null) {
      return "PostgreSQL is not installed (Debian package postgresql)";
    }
    if (isRoot() && Commands.which("runuser") == null) {
      return "needs runuser to start PostgreSQL as the postgres user";
    }
    return null;
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Creates a cluster and starts it on 127.0.0.1:{@code port} in {@code namespace}. */
  static PostgresServer start(NetNamespace namespace, int port)
      throws IOException, InterruptedException {
    Path base = Files.createTempDirectory("stacks-postgres");
    boolean asPostgresUser = isRoot();
    if (asPostgresUser) {
      UserPrincipal owner =
          base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
      Files.setOwner(base, owner);
    }
    PostgresServer server = new PostgresServer(namespace, binaries(), base, asPostgresUser, port);
    try {
      server.run(
          List.of(
              "initdb",
              "-D",
              server.data().toString(),
              "-U",
              server.user(),
              "-A",
              "trust",
              "--no-sync",
              "-E",
              "UTF8",
              "--locale=C"),
          120);
      server.run(
          List.of(
              "pg_ctl",
              "-D",
              server.data().toString(),
              "-l",
              base.resolve("server.log").toString(),
              "-w",
              "-t",
              "60",
              "-o",
              "-p " + port + " -k " + base + " -c listen_addresses=127.0.0.1 -c fsync=off",
              "start"),
          90);
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The database user the JDBC URL names: the user that ran {@code initdb}. */
  String user() {
    return asPostgresUser ? OS_USER : System.getProperty("user.name");
  }

  int port() {
    return port;
  }

  private Path data() {
    return base.resolve("data");
  }

  private String run(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", OS_USER, "--"));
    }
    full.add(bin.resolve(command.get(0)).toString());
    full.addAll(command.subList(1, command.size()));
    return Commands.run(namespace.inside(full), timeoutSeconds, "PostgreSQL " + command.get(0));
  }

  /** Stops the server if it runs and removes its folder. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (Files.exists(data().resolve("postmaster.pid"))) {
        run(List.of("pg_ctl", "-D", data().toString(), "-m", "fast", "-w", "stop"), 60);
      }
    } finally {
      Commands.run(List.of("rm", "-rf", base.toString()), 60, "removing " + base);
    }
  }
}
