package dev.timewait.core.host.linux;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates test resources. */
final class Fixtures {

  /** A tree captured from a Linux 6.18 host with TIME_WAIT sockets on IPv4 and IPv6. */
  static final String LINUX_TREE = "/hostroot/linux-6.18";

  private Fixtures() {}

  static Path path(String resource) {
    try {
      return Path.of(Fixtures.class.getResource(resource).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static InputStream open(String resource) {
    InputStream in = Fixtures.class.getResourceAsStream(resource);
    if (in == null) {
      throw new UncheckedIOException(new java.io.FileNotFoundException(resource));
    }
    return in;
  }
}
