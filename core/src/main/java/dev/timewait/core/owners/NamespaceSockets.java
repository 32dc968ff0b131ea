package dev.timewait.core.owners;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpRow;
import dev.timewait.core.host.TcpState;
import dev.timewait.core.host.linux.ProcNetTcpParser;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one pass over a namespace's connection table tells about owners: its TIME_WAIT 4-tuples, and
 * for the other sockets, which inode goes where. Fed row by row by the collector, in the same pass
 * that counts the table, so its TIME_WAIT sockets are exactly the ones the table counts.
 */
final class NamespaceSockets implements ProcNetTcpParser.RowSink {

  final List<SocketPair> timeWait = new ArrayList<>();

  /** Socket inode to its destination, for connections (not listeners, not TIME_WAIT). */
  final Map<Long, ClientDestination> connections = new HashMap<>();

  /** Listener inode to its port. */
  final Map<Long, Integer> listeners = new HashMap<>();

  final BitSet listeningPorts = new BitSet(65536);

  @Override
  public boolean accept(TcpRow row) {
    if (row.state == TcpState.TIME_WAIT.code()) {
      timeWait.add(row.toSocketPair());
    } else if (row.state == TcpState.LISTEN.code()) {
      listeningPorts.set(row.localPort & 0xffff);
      if (row.inode != 0) {
        listeners.put(row.inode, row.localPort & 0xffff);
      }
    } else if (row.inode != 0) {
      connections.put(
          row.inode,
          new ClientDestination(
              TcpRow.format(row.local), TcpRow.format(row.remote), row.remotePort));
    }
    return true;
  }
}
