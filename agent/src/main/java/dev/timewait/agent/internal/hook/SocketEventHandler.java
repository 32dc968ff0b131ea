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
 * Receives the events of the instrumented methods, keeps each connection's open site and role,
 * classifies each connection's end by the kernel's answers around our first FIN, and hands the
 * result to the {@link CloseRecorder}. Runs on the application's threads: no locks, no I/O beyond
 * the kernel queries, and nothing thrown escapes.
 *
 * <p>A close comes as a sequence of events on the closing thread: {@code CLOSING} at the entry of
 * the close finds the connection and claims it; the kernel is asked at the last point before the
 * system call that sends our FIN ({@code FIN_LEAVING}), or right after a {@code shutdown} that the
 * close makes itself ({@code FIN_SENT}); naming the site and recording happen at {@code CLOSED},
 * once the FIN has left, so that none of that work delays the FIN.
 */
public final class SocketEventHandler implements CloseSink {
  private final LazyJdkSockets jdk;
  private final SiteResolver resolver;
  private final SiteSampling sampling;
  private final CloseRecorder recorder;
  private final AgentErrors errors;
  private final OpenConnections table;
  private final IdleTimes idleTimes;
  private final HandOffs handOffs = new HandOffs();
  private final Listeners listeners = new Listeners();
  private final HttpRequestSites requests = new HttpRequestSites(handOffs);
  private final NettyChannels netty;
  private final ThreadLocal<Connection> closingHere = new ThreadLocal<>();
  private volatile int[] internalServerPorts = new int[0];

  public SocketEventHandler(
      LazyJdkSockets jdk,
      SiteResolver resolver,
      SiteSampling sampling,
      CloseRecorder recorder,
      OpenConnections table,
      IdleTimes idleTimes,
      AgentErrors errors) {
    this.table = table;
    this.idleTimes = idleTimes;
    this.sampling = sampling;
    this.jdk = jdk;
    this.resolver = resolver;
    this.recorder = recorder;
    this.errors = errors;
    this.netty = new NettyChannels(jdk);
  }

  @Override
  public Object onEvent(int event, Object subject, int fd, int arg) {
    try {
      switch (event) {
        case CloseBridge.OPENED:
          opened(subject, arg == CloseBridge.SERVER ? Role.SERVER : Role.CLIENT);
          return null;
        case CloseBridge.CONNECTING:
          connecting(subject);
          return null;
        case CloseBridge.CLOSING:
          return closing(subject);
        case CloseBridge.FIN_LEAVING:
          finLeaving(subject);
          return null;
        case CloseBridge.FIN_SENT:
          finSent(subject);
          return null;
        case CloseBridge.DESCRIPTOR_CLOSED:
          descriptorClosed(subject);
          return null;
        case CloseBridge.CLOSED:
          closed((Connection) subject);
          return null;
        case CloseBridge.SHUTDOWN_OUTPUT:
          return shutdownOutput(subject);
        case CloseBridge.SHUTDOWN_OUTPUT_DONE:
          shutdownOutputDone((Connection) subject);
          return null;
        case CloseBridge.NATIVE_CLOSE_BEGIN:
          return nativeCloseBegin(fd);
        case CloseBridge.NATIVE_CLOSING:
          nativeClosing(fd);
          return null;
        case CloseBridge.NATIVE_SHUTDOWN:
          return nativeShutdown(fd);
        case CloseBridge.CHANNEL_ACTIVE:
          channelActive(subject);
          return null;
        case CloseBridge.CLOSE_REQUESTED:
          closeRequested(subject);
          return null;
        case CloseBridge.HAND_OFF:
          handOff(subject);
          return null;
        case CloseBridge.LISTENING:
          listening(subject);
          return null;
        case CloseBridge.CONTEXT_BEGIN:
          return handOffs.begin(subject);
        case CloseBridge.CONTEXT_END:
          handOffs.end(subject);
          return null;
        case CloseBridge.TASK_SUBMITTED:
          handOffs.carry(subject);
          return null;
        case CloseBridge.TASK_BEGIN:
          return handOffs.beginTask(subject);
        case CloseBridge.REQUEST_STARTED:
          requestStarted(subject);
          return null;
        case CloseBridge.REQUEST_CONNECT_BEGIN:
          requests.connectBegin(subject);
          return null;
        case CloseBridge.REQUEST_CONNECT_END:
          requests.connectEnd();
          return null;
        default:
          return null;
      }
    } catch (Throwable t) {
      errors.record("socket event", t);
      return null;
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

  private JdkSockets sockets() {
    return jdk.get();
  }

  // ---- opens ----

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
    InetSocketAddress local = sockets().local(socket, fd);
    boolean connected = pending != null && !pending.established && pending.role == role;
    int weight = connected ? pending.weight : weight();
    CodeSite site;
    if (connected) {
      site = pending.openSite;
    } else {
      site = weight > 0 ? openSite() : CodeSite.NOT_SAMPLED;
    }
    if (role == Role.SERVER && weight > 0 && !site.application && local != null) {
      CodeSite started = listeners.get(local.getPort());
      site = started != null ? started : site;
    }
    track(fdNumber, role, site, remote, local, weight);
  }

  /**
   * A new connection's weight in the site rows. The JMX connector's threads always walk: its
   * sockets are known as the agent's own only from their stacks.
   */
  private int weight() {
    int weight = sampling.weight();
    return weight == 0 && Thread.currentThread().getName().startsWith("RMI ") ? 1 : weight;
  }

  /**
   * A server began to listen: the application code that started it is the open site of the
   * connections it accepts on its own threads, where no application frame is on the stack.
   */
  private void listening(Object listener) {
    InetSocketAddress local = sockets().local(sockets().fd(listener));
    if (local == null) {
      return;
    }
    CodeSite site = site();
    if (site.application) {
      listeners.put(local.getPort(), site);
    }
  }

  private void track(
      int fdNumber,
      Role role,
      CodeSite site,
      InetSocketAddress remote,
      InetSocketAddress local,
      int weight) {
    boolean internal = site == CodeSite.INTERNAL || isInternalServerPort(role, local);
    Connection connection = new Connection(fdNumber, role, site, remote, true, internal, weight);
    connection.local = local;
    table.put(fdNumber, connection);
  }

  private void connecting(Object socket) {
    int fdNumber = sockets().fdNumber(sockets().fd(socket));
    if (fdNumber >= 0) {
      int weight = weight();
      CodeSite site = weight > 0 ? openSite() : CodeSite.NOT_SAMPLED;
      table.put(
          fdNumber,
          new Connection(
              fdNumber, Role.CLIENT, site, null, false, site == CodeSite.INTERNAL, weight));
    }
  }

  /**
   * The site that opens a connection: the requesting code for the JDK HttpClient's own threads,
   * else the first application frame, else the site this thread works for.
   */
  private CodeSite openSite() {
    CodeSite request = requests.connectingSite();
    return request != null ? request : site();
  }

  /** The calling thread's site, or the site it works for when it has no application frame. */
  private CodeSite site() {
    CodeSite here = resolver.resolve();
    if (here.application || here == CodeSite.INTERNAL) {
      return here;
    }
    CodeSite context = handOffs.context();
    return context != null ? context : here;
  }

  private void requestStarted(Object request) {
    CodeSite site = resolver.resolve();
    if (site.application) {
      requests.started(request, site);
    }
  }

  /** A library was handed work by the code running on this thread. */
  private void handOff(Object carrier) {
    CodeSite site = site();
    if (site.application) {
      handOffs.put(carrier, site);
    }
  }

  /**
   * A Netty channel became active: a native channel's connection starts being tracked here; the JDK
   * hooks tracked an NIO channel's already, whose open site is then the site the channel was made
   * at (the code that called {@code Bootstrap.connect()}, or that started the server).
   */
  private void channelActive(Object channel) throws Throwable {
    int fdNumber = netty.fd(channel);
    if (fdNumber < 0) {
      return;
    }
    Object parent = netty.parent(channel);
    Role role = parent != null ? Role.SERVER : Role.CLIENT;
    CodeSite handed = handOffs.get(parent != null ? parent : channel);
    Connection known = table.get(fdNumber);
    if (!netty.isNative(channel)) {
      if (known != null && handed != null && !known.openSite.application) {
        known.openSite = handed;
      }
      return;
    }
    FileDescriptor fd = sockets().probe(fdNumber);
    InetSocketAddress remote = sockets().peer(fd);
    if (remote == null) {
      return; // a listener, or already reset
    }
    if (known != null && known.established && remote.equals(known.remote)) {
      return;
    }
    int weight = weight();
    CodeSite site = weight > 0 ? site() : CodeSite.NOT_SAMPLED;
    if (weight > 0 && handed != null && !site.application) {
      site = handed;
    }
    track(fdNumber, role, site, remote, local(fd), weight);
  }

  private InetSocketAddress local(FileDescriptor fd) {
    return sockets().local(fd);
  }

  /** The application asked Netty to close a channel; the close may run on the event loop. */
  private void closeRequested(Object channel) throws Throwable {
    Connection connection = table.get(netty.fd(channel));
    if (connection == null || connection.weight == 0) {
      return;
    }
    CodeSite site = resolver.resolve();
    if (site.application) {
      connection.requestedCloseSite = site;
    }
  }

  // ---- closes of JDK sockets ----

  /** The connection of a JDK socket about to close, claimed by this thread; or null. */
  private Connection closing(Object socket) throws Throwable {
    FileDescriptor fd = sockets().fd(socket);
    int fdNumber = sockets().fdNumber(fd);
    if (fdNumber < 0) {
      return null;
    }
    if (!sockets().isConnected(socket)) {
      table.remove(fdNumber); // a connect that never completed
      return null;
    }
    Connection connection = table.get(fdNumber);
    if (connection == null
        || !connection.established
        || connection.remote == null
        || !sockets().hasRemote(socket, connection.remote)) {
      InetSocketAddress remote = sockets().remote(socket);
      if (remote == null) {
        return null;
      }
      if (connection == null || !connection.established || !connection.sameRemote(remote)) {
        connection = beforeAgent(fdNumber, remote);
        connection.local = sockets().local(socket, fd);
        table.put(fdNumber, connection);
      }
    }
    if (!connection.claim()) {
      return null; // another thread is closing the same socket
    }
    connection.closingSocket = socket;
    closingHere.set(connection);
    if (!sockets().asksLater(socket)) {
      connection.before = CloseClassifier.probe(sockets(), fd, true); // closes right away
      readIdle(connection);
    }
    return connection;
  }

  /** A connection first seen at its close or shutdown, opened before the agent started. */
  private Connection beforeAgent(int fdNumber, InetSocketAddress remote) {
    int weight = weight();
    CodeSite open = weight > 0 ? CodeSite.BEFORE_AGENT : CodeSite.NOT_SAMPLED;
    return new Connection(fdNumber, Role.UNKNOWN, open, remote, true, false, weight);
  }

  /** The connection this thread is closing, if it is {@code socket}'s. */
  private Connection closingNow(Object socket) {
    Connection connection = closingHere.get();
    return connection != null && connection.closingSocket == socket ? connection : null;
  }

  /**
   * The last point before the system call that sends our FIN: {@code subject} is the socket about
   * to close its descriptor, or the descriptor whose {@code SO_LINGER} a close has just read.
   */
  private void finLeaving(Object subject) throws Throwable {
    Connection connection = closingHere.get();
    if (connection == null) {
      descriptorClosing(subject);
      return;
    }
    if (connection.after != 0) {
      return;
    }
    FileDescriptor fd = sockets().fd(connection.closingSocket);
    if (subject != connection.closingSocket && subject != fd) {
      return; // another socket's option, or a close on another thread
    }
    boolean lingerDecides =
        !sockets().shutsDownFirst(connection.closingSocket) || connection.finVerdict != null;
    connection.before = CloseClassifier.probe(sockets(), fd, lingerDecides);
    readIdle(connection);
  }

  /**
   * The peer's FIN (or a reset) has arrived on a connection this JVM opened: how long it sat idle
   * before that FIN, read while the descriptor is still open (one more system call, made only
   * then).
   */
  private void readIdle(Connection connection) {
    if (connection.role == Role.CLIENT
        && (connection.before & CloseClassifier.PEER_CLOSED) != 0
        && connection.finVerdict == null // no half-close of ours went first
        && connection.idleBeforePeerFin == IdleTimes.UNKNOWN) {
      connection.idleBeforePeerFin = idleTimes.idleBeforePeerFin(connection.fd);
    }
  }

  /**
   * The background scan found the peer's FIN on a connection the application keeps open: its idle
   * time counts now, as the application may never close it.
   */
  public void peerClosedWhileOpen(Connection connection) {
    try {
      readIdleWhileOpen(connection);
    } catch (Throwable t) {
      errors.record("idle time", t);
    }
  }

  private void readIdleWhileOpen(Connection connection) throws Throwable {
    if (connection.role != Role.CLIENT
        || connection.finVerdict != null
        || connection.awaitingDescriptor
        || connection.idleBeforePeerFin != IdleTimes.UNKNOWN) {
      return; // not ours to judge: our FIN may have left first (a close waiting for its descriptor)
    }
    if (sockets().tcpState(sockets().probe(connection.fd)) != TcpStates.CLOSE_WAIT) {
      return; // only the peer's FIN has come, and none of ours
    }
    long millis = idleTimes.idleBeforePeerFin(connection.fd);
    connection.idleBeforePeerFin = millis;
    countIdle(connection, connection.openSite.via);
  }

  private void countIdle(Connection connection, String via) {
    if (connection.idleBeforePeerFin != IdleTimes.UNKNOWN
        && !connection.internal
        && connection.claimIdle()) {
      recorder.idleBeforePeerFin(connection.remote, connection.idleBeforePeerFin, via);
    }
  }

  /** Loads what reading idle times needs, on the calling (agent's) thread. */
  public void preloadIdleTimes() {
    idleTimes.preload();
  }

  /** Whether idle times before a peer's FIN are read, or why not. */
  public String idleTimesStatus() {
    return idleTimes.status();
  }

  private void finSent(Object socket) throws Throwable {
    Connection connection = closingNow(socket);
    if (connection != null && !connection.descriptorGone) {
      connection.after = CloseClassifier.stateAfter(sockets(), sockets().fd(socket));
    }
  }

  private void descriptorClosed(Object socket) {
    Connection connection = closingNow(socket);
    if (connection != null) {
      connection.descriptorGone = true;
    }
  }

  /**
   * A registered channel's descriptor is about to close, after its close returned ({@code
   * SocketChannelImpl.kill()} at the selector's next turn): a verdict that waited for this moment
   * is taken now.
   */
  private void descriptorClosing(Object subject) throws Throwable {
    if (!sockets().asksLater(subject)) {
      return;
    }
    FileDescriptor fd = sockets().fd(subject);
    Connection connection = table.get(sockets().fdNumber(fd));
    if (connection == null
        || !connection.awaitingDescriptor
        || connection.closingSocket != subject) {
      return;
    }
    connection.awaitingDescriptor = false;
    connection.closingSocket = null;
    table.remove(connection.fd, connection);
    CloseKind kind = CloseClassifier.atDescriptorClose(CloseClassifier.probe(sockets(), fd, false));
    record(connection, connection.pendingCloseSite, kind);
  }

  /** The close returned: the FIN has left. Name the site and record. */
  private void closed(Connection connection) {
    if (connection.closingSocket != null
        && !connection.descriptorGone
        && !connection.internal
        && connection.finVerdict == null
        && CloseClassifier.undecidedUntilDescriptorCloses(connection.before, connection.after)) {
      // the entry stays in the table and keeps the socket until its descriptor closes
      if (closingHere.get() == connection) {
        closingHere.remove();
      }
      connection.pendingCloseSite =
          connection.weight > 0 ? closeSite(connection) : CodeSite.NOT_SAMPLED;
      connection.awaitingDescriptor = true;
      return;
    }
    if (connection.closingSocket != null) {
      connection.closingSocket = null;
      if (closingHere.get() == connection) {
        closingHere.remove();
      }
    }
    table.remove(connection.fd, connection);
    if (connection.notASocket) {
      return; // the descriptor was no socket of ours after all
    }
    if (connection.before == 0 && connection.after == 0) {
      errors.record("close", new IllegalStateException("no kernel answer before the FIN"));
      return;
    }
    if (connection.internal) {
      recorder.recordInternal();
      return;
    }
    CloseKind kind =
        CloseClassifier.atClose(connection.before, connection.after, connection.finVerdict);
    record(connection, connection.weight > 0 ? closeSite(connection) : CodeSite.NOT_SAMPLED, kind);
  }

  private void record(Connection connection, CodeSite closeSite, CloseKind kind) {
    recorder.record(
        closeSite,
        connection.openSite,
        connection.role,
        kind,
        connection.local,
        connection.remote,
        System.currentTimeMillis(),
        connection.weight);
    if (kind != CloseKind.ACTIVE) {
      countIdle(connection, CodeSite.via(closeSite, connection.openSite));
    }
  }

  private CodeSite closeSite(Connection connection) {
    CodeSite here = resolver.resolve();
    if (here.application || here == CodeSite.INTERNAL) {
      return here;
    }
    CodeSite requested = connection.requestedCloseSite;
    if (requested != null) {
      return requested;
    }
    CodeSite context = handOffs.context();
    return context != null ? context : here;
  }

  private Connection shutdownOutput(Object socket) throws Throwable {
    FileDescriptor fd = sockets().fd(socket);
    int fdNumber = sockets().fdNumber(fd);
    if (fdNumber < 0 || !sockets().isConnected(socket)) {
      return null;
    }
    Connection connection = table.get(fdNumber);
    if (connection == null || !connection.established || connection.finVerdict != null) {
      if (connection != null) {
        return null;
      }
      InetSocketAddress remote = sockets().remote(socket);
      if (remote == null) {
        return null;
      }
      connection = beforeAgent(fdNumber, remote);
      connection.local = sockets().local(socket, fd);
      table.put(fdNumber, connection);
    }
    connection.halfCloseBefore = CloseClassifier.probe(sockets(), fd, false);
    return connection;
  }

  /** {@code shutdownOutput} returned: the kernel's state now tells whose FIN was first. */
  private void shutdownOutputDone(Connection connection) throws Throwable {
    if (connection.finVerdict != null || connection.halfCloseBefore == 0) {
      return;
    }
    int after = CloseClassifier.stateAfter(sockets(), sockets().probe(connection.fd));
    connection.finVerdict = CloseClassifier.atHalfClose(connection.halfCloseBefore, after);
  }

  // ---- closes of native descriptors (Netty's epoll, io_uring, kqueue) ----

  /** {@code FileDescriptor.close()} starts: the descriptor's close follows its marking. */
  private Connection nativeCloseBegin(int fd) {
    Connection connection = table.get(fd);
    if (connection == null || !connection.claim()) {
      return null;
    }
    connection.deferred = true;
    return connection;
  }

  /**
   * The descriptor was marked closed. Within {@code FileDescriptor.close()} the system call follows
   * at once: ask now, record at its exit. Otherwise (io_uring queues the close) record now.
   */
  private void nativeClosing(int fd) throws Throwable {
    Connection connection = table.get(fd);
    if (connection == null) {
      return;
    }
    boolean deferred = connection.deferred && connection.closingOn(Thread.currentThread());
    if (!deferred && !connection.claim()) {
      return;
    }
    try {
      connection.before = CloseClassifier.probe(sockets(), sockets().probe(fd), true);
      readIdle(connection);
    } catch (java.io.IOException notASocket) {
      connection.notASocket = true; // the number was reused by a descriptor of another kind
    }
    if (!deferred) {
      closed(connection);
    }
  }

  private Connection nativeShutdown(int fd) throws Throwable {
    Connection connection = table.get(fd);
    if (connection == null || connection.finVerdict != null) {
      return null;
    }
    connection.halfCloseBefore = CloseClassifier.probe(sockets(), sockets().probe(fd), false);
    return connection;
  }
}
