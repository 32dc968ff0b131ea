package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The application code that started each listening port: the open site of connections a server
 * accepts on its own threads. Listeners are few and change rarely, so the table is an array
 * replaced whole on a change; a lookup allocates nothing and takes no lock.
 */
final class Listeners {
  /** Ports beyond this many keep the site of the accepting thread. */
  static final int MAX_PORTS = 1024;

  private static final Table EMPTY = new Table(new int[0], new CodeSite[0]);

  private final AtomicReference<Table> table = new AtomicReference<>(EMPTY);

  /** {@code site} started listening on {@code port}. */
  void put(int port, CodeSite site) {
    while (true) {
      Table now = table.get();
      Table next = now.with(port, site);
      if (next == null || table.compareAndSet(now, next)) {
        return;
      }
    }
  }

  /** The site that started {@code port}'s listener, or null. */
  CodeSite get(int port) {
    Table t = table.get();
    for (int i = 0; i < t.ports.length; i++) {
      if (t.ports[i] == port) {
        return t.sites[i];
      }
    }
    return null;
  }

  private static final class Table {
    final int[] ports;
    final CodeSite[] sites;

    Table(int[] ports, CodeSite[] sites) {
      this.ports = ports;
      this.sites = sites;
    }

    /** This table with {@code port} at {@code site}; null when nothing changes or it is full. */
    Table with(int port, CodeSite site) {
      for (int i = 0; i < ports.length; i++) {
        if (ports[i] == port) {
          if (sites[i] == site) {
            return null;
          }
          CodeSite[] s = sites.clone();
          s[i] = site;
          return new Table(ports, s);
        }
      }
      if (ports.length >= MAX_PORTS) {
        return null;
      }
      int[] p = Arrays.copyOf(ports, ports.length + 1);
      CodeSite[] s = Arrays.copyOf(sites, sites.length + 1);
      p[ports.length] = port;
      s[sites.length] = site;
      return new Table(p, s);
    }
  }
}
