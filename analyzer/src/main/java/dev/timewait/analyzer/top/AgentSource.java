package dev.timewait.analyzer.top;

import dev.timewait.core.snapshot.Snapshot;
import java.util.List;

/**
 * Where {@code timewait top} gets the agents' data: the current snapshot of each JVM it follows.
 * The only thing {@code top} asks of the transport, so that another one (a socket, a file) can take
 * the place of the JMX connection.
 */
public interface AgentSource extends AutoCloseable {

  /**
   * The current snapshot of every JVM followed; a JVM that does not answer is left out, with one
   * line in {@code problems}.
   */
  List<Snapshot> read(List<String> problems);

  @Override
  void close();
}
