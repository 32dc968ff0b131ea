package dev.timewait.agent.internal.hook;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.bootstrap.CloseSink;
import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.io.FileDescriptor;
import java.net.InetSocketAddress;

/**
 * Receives the socket events of the instrumented JDK methods, keeps each connection's open site and
 * role, classifies each connection's end when our first FIN leaves, and hands the result to the
 * {@link CloseRecorder}. Runs on the application's threads: no locks, no I/O beyond a zero-timeout
 * poll and a few {@code getsockopt}-like calls, and nothing thrown escapes.
 */
public final class SocketEventHandler implements CloseSink {
  private final LazyJdkSockets jdk;
  private final SiteResolver resolver;
  private final CloseRecorder recorder;
  private final AgentErrors errors;
  private final OpenConnections table;
  private final HttpRequestSites requests = new HttpRequestSites();
  private volatile int[] internalServerPorts = new int[0];

  public SocketEventHandler(
      LazyJdkSockets jdk,
      SiteResolver resolver,
      CloseRecorder recorder,
      OpenConnections table,
      AgentErrors errors) {
    this.table = table;
    this.jdk = jdk;
    this.resolver = resolver;
    this.recorder = recorder;
    this.errors = errors;
  }

  @Override
  public void onSocketEvent(int event, Object socket, int role) {
    try {
      switch (event) {
        case CloseBridge.OPENED:
          opened(socket, role == CloseBridge.SERVER ? Role.SERVER : Role.CLIENT);
          break;
        case CloseBridge.CONNECTING:
          connecting(socket);
          break;
        case CloseBridge.SHUTDOWN_OUTPUT:
          finSending(socket, false);
          break;
        case CloseBridge.CLOSING:
          finSending(socket, true);
          break;
        case CloseBridge.REQUEST_STARTED:
          requestStarted(socket);
          break;
        case CloseBridge.REQUEST_CONNECT_BEGIN:
          requests.connectBegin(socket);
          break;
        case CloseBridge.REQUEST_CONNECT_END:
          requests.connectEnd();
          break;
        default:
          break;
      }
    } catch (Throwable t) {
      errors.record("socket event", t);
    }
  }

  /** Local ports whose accepted connections are internal (the metrics exporter's). */
  public void internalServerPorts(int[] ports) {
    internalServerPorts = ports.clone();
  }

  private boolean isInternalServerPort(Role role, InetSocketAddress local) {
    if (role != Role.SERVER || local == null) {
      return false;
    }
    for (int port : internalServerPorts) {
      if (port == local.getPort()) {
        return true;
      }
    }
    return false;
  }

  /** Connections currently tracked (open, seen by the agent). */
  public int tracked() {
    return table.size();
  }

  private void opened(Object socket, Role role) {
    FileDescriptor fd = sockets().fd(socket);
    int fdNumber = sockets().fdNumber(fd);
    InetSocketAddress remote = sockets().remote(socket);
    if (fdNumber < 0 || remote == null) {
      return; // not a TCP/IP socket (Unix domain) or not connected
    }
    Connection pending = table.get(fdNumber);
    if (pending != null && pending.established && pending.sameRemote(remote)) {
      return; // finishConnect() called again on a connected channel
    }
    CodeSite site =
        pending != null && !pending.established && pending.role == role
            ? pending.openSite
            : openSite();
    InetSocketAddress local = sockets().local(fd);
    boolean internal = site == CodeSite.INTERNAL || isInternalServerPort(role, local);
    Connection connection = new Connection(role, site, remote, true, internal);
    connection.local = local;
    table.put(fdNumber, connection);
  }

  private void connecting(Object socket) {
    int fdNumber = sockets().fdNumber(sockets().fd(socket));
    if (fdNumber >= 0) {
      CodeSite site = openSite();
      table.put(
          fdNumber, new Connection(Role.CLIENT, site, null, false, site == CodeSite.INTERNAL));
    }
  }

  private JdkSockets sockets() {
    return jdk.get();
  }

  /** The site that opens a connection: the requesting code for the JDK HttpClient's own threads. */
  private CodeSite openSite() {
    CodeSite request = requests.connectingSite();
    return request != null ? request : resolver.resolve();
  }

  private void requestStarted(Object request) {
    CodeSite site = resolver.resolve();
    if (site != CodeSite.JDK_ONLY && site != CodeSite.INTERNAL && site != CodeSite.OTHER) {
      requests.started(request, site);
    }
  }

  private void finSending(Object socket, boolean closing) throws Throwable {
    FileDescriptor fd = sockets().fd(socket);
    int fdNumber = sockets().fdNumber(fd);
    if (fdNumber < 0) {
      return;
    }
    if (!sockets().isConnected(socket)) {
      if (closing) {
        table.remove(fdNumber); // a connect that never completed
      }
      return;
    }
    Connection connection = table.get(fdNumber);
    InetSocketAddress remote;
    if (connection != null
        && connection.established
        && connection.remote != null
        && sockets().hasRemote(socket, connection.remote)) {
      remote = connection.remote; // the usual case: no new address object per close
    } else {
      remote = sockets().remote(socket);
      if (remote == null) {
        return;
      }
      if (connection == null || !connection.established || !connection.sameRemote(remote)) {
        connection = new Connection(Role.UNKNOWN, CodeSite.BEFORE_AGENT, remote, true, false);
        connection.local = sockets().local(fd);
        table.put(fdNumber, connection);
      }
    }
    if (!closing) {
      if (connection.finVerdict == null) {
        connection.finVerdict = CloseClassifier.atHalfClose(sockets(), fd);
      }
      return;
    }
    if (!table.remove(fdNumber, connection)) {
      return; // another thread is closing the same socket
    }
    if (connection.internal) {
      recorder.recordInternal();
      return;
    }
    CloseKind kind = CloseClassifier.atClose(sockets(), fd, connection.finVerdict);
    recorder.record(
        resolver.resolve(),
        connection.openSite,
        connection.role,
        kind,
        connection.local,
        remote,
        System.currentTimeMillis());
  }
}
