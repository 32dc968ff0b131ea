package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application site behind work that a library does later on a thread of its own: captured on
 * the application's thread when the library is handed the work (a channel made by {@code
 * Bootstrap.connect()}, an HTTP call, a listening socket bound by the code that starts a server),
 * keyed by the library's object, and found again when the connection is opened or closed. While a
 * library thread works for such an object, the site is this thread's <em>context</em>: an open or
 * close with no application frame of its own is named after it.
 *
 * <p>A context travels with the tasks a thread hands to a library's executor while it has one
 * (Netty's event loops: a server bound on its boss loop, a channel registered from a task), so that
 * work two hand-offs away still names the application code. Only a thread with a context pays for
 * it: the executor's other tasks cost a thread-local read when queued and an emptiness check when
 * run.
 *
 * <p>Keys are weak: an object the library dropped is forgotten with its entry; the tables are
 * bounded.
 */
final class HandOffs {
  private static final int MAX_CARRIERS = 65_536;

  /** The token of a context begun where none was current. */
  private static final Object NO_CONTEXT = new Object();

  private final ConcurrentHashMap<Key, CodeSite> sites = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Key, CodeSite> tasks = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  private final ThreadLocal<CodeSite> context = new ThreadLocal<>();

  /** {@code carrier} was handed work by the application code at {@code site}. */
  void put(Object carrier, CodeSite site) {
    expunge();
    if (sites.size() < MAX_CARRIERS) {
      sites.put(new Key(carrier, collected), site);
    }
  }

  /** The site {@code carrier} was handed work at, or null. */
  CodeSite get(Object carrier) {
    return carrier == null ? null : sites.get(new Key(carrier, null));
  }

  /** This thread now works for {@code carrier}; returns the token for {@link #end}, or null. */
  Object begin(Object carrier) {
    CodeSite site = get(carrier);
    if (site == null) {
      return null;
    }
    CodeSite previous = context.get();
    context.set(site);
    return previous == null ? NO_CONTEXT : previous;
  }

  /** {@code task} is queued for a library thread: it carries this thread's context, if any. */
  void carry(Object task) {
    CodeSite site = context.get();
    if (site == null) {
      return;
    }
    expunge();
    if (tasks.size() < MAX_CARRIERS) {
      tasks.put(new Key(task, collected), site);
    }
  }

  /**
   * A library thread runs {@code task}: it works for the site the task carries until {@link #end};
   * returns the token, or null when the task carries none (the common case, decided without a
   * look-up while no task carries a site).
   */
  Object beginTask(Object task) {
    if (tasks.isEmpty()) {
      return null;
    }
    CodeSite site = tasks.remove(new Key(task, null));
    if (site == null) {
      return null;
    }
    CodeSite previous = context.get();
    context.set(site);
    return previous == null ? NO_CONTEXT : previous;
  }

  void end(Object token) {
    if (token == NO_CONTEXT) {
      context.remove();
    } else if (token instanceof CodeSite) {
      context.set((CodeSite) token);
    }
  }

  /** The site this thread works for, or null. */
  CodeSite context() {
    return context.get();
  }

  int size() {
    return sites.size();
  }

  private void expunge() {
    Object ref;
    while ((ref = collected.poll()) != null) {
      sites.remove(ref);
      tasks.remove(ref);
    }
  }

  /** Identity of an object, without keeping it alive. */
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
