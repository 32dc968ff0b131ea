package dev.timewait.core.host;

import dev.timewait.testing.Tuple;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** The testing module's 4-tuples as core's: both use the same canonical address text. */
public final class Tuples {
  private Tuples() {}

  /** The same 4-tuple as a {@link SocketPair}. */
  public static SocketPair pair(Tuple tuple) {
    return new SocketPair(tuple.localIp(), tuple.localPort(), tuple.remoteIp(), tuple.remotePort());
  }

  /** The same 4-tuples as {@link SocketPair}s. */
  public static Set<SocketPair> pairs(Collection<Tuple> tuples) {
    Set<SocketPair> pairs = new HashSet<>();
    for (Tuple tuple : tuples) {
      pairs.add(pair(tuple));
    }
    return pairs;
  }
}
