package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The JDK {@code HttpClient}'s hand-off: the application site of each request, kept from the moment
 * its {@code MultiExchange} is created on the caller's thread until its connection is opened,
 * possibly on one of the client's threads.
 */
final class HttpRequestSites {
  private final HandOffs requests;
  private final ThreadLocal<CodeSite> connecting = new ThreadLocal<>();
  private volatile VarHandle exchangeRequest;

  HttpRequestSites(HandOffs requests) {
    this.requests = requests;
  }

  /** A request was created on this thread, whose site is {@code site}. */
  void started(Object request, CodeSite site) {
    requests.put(request, site);
  }

  /** The client starts opening a connection for {@code exchange} on this thread. */
  void connectBegin(Object exchange) {
    CodeSite site = requests.get(requestOf(exchange));
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
}
