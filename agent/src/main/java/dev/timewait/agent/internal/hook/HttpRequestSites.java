package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application site of each JDK {@code HttpClient} request, kept from the moment the request is
 * created on the caller's thread until its connection is opened, possibly on one of the client's
 * threads. Keys are weak: a finished request is forgotten with its objects; the table is bounded.
 */
final class HttpRequestSites {
  private static final int MAX_REQUESTS = 65_536;

  private final ConcurrentHashMap<Key, CodeSite> sites = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final ThreadLocal<CodeSite> connecting = new ThreadLocal<>();
  private volatile VarHandle exchangeRequest;

  /** A request was created on this thread, whose site is {@code site}. */
  void started(Object request, CodeSite site) {
    expunge();
    if (sites.size() < MAX_REQUESTS) {
      sites.put(new Key(request, collected), site);
    }
  }

  /** The client starts opening a connection for {@code exchange} on this thread. */
  void connectBegin(Object exchange) {
    CodeSite site = sites.get(new Key(requestOf(exchange), null));
    if (site != null) {
      connecting.set(site);
    }
  }

  void connectEnd() {
    connecting.remove();
  }

  /** The site of the request whose connection this thread is opening, or null. */
  CodeSite connectingSite() {
    return connecting.get();
  }

  private Object requestOf(Object exchange) {
    VarHandle handle = exchangeRequest;
    if (handle == null) {
      try {
        Class<?> type =
            Class.forName(
                "jdk.internal.net.http.Exchange", false, exchange.getClass().getClassLoader());
        Class<?> multi =
            Class.forName("jdk.internal.net.http.MultiExchange", false, type.getClassLoader());
        handle =
            MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                .findVarHandle(type, "multi", multi);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("HttpClient internals changed: " + e, e);
      }
      exchangeRequest = handle;
    }
    return handle.get(exchange);
  }

  private void expunge() {
    Object ref;
    while ((ref = collected.poll()) != null) {
      sites.remove(ref);
    }
  }

  /** Identity of a request object, without keeping it alive. */
  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      hash = System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Key)) {
        return false;
      }
      Object mine = get();
      return mine != null && mine == ((Key) o).get();
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
