package dev.timewait.agent.internal.hook;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Reads the JDK's socket internals: the file descriptor, the connection state and the addresses of
 * a {@code NioSocketImpl}, {@code SocketChannelImpl} or asynchronous channel, and asks the kernel
 * about a socket through {@code sun.nio.ch.Net} without consuming anything.
 *
 * <p>Needs {@code java.io}, {@code java.net} and {@code sun.nio.ch} opened to the agent (done by
 * {@link AgentInstaller} with {@code Instrumentation.redefineModule}).
 */
public final class JdkSockets implements KernelAnswers {
  /** Linux {@code POLLRDHUP}: the peer has shut its sending side (its FIN arrived). */
  static final int POLLRDHUP_LINUX = 0x2000;

  private static final int IPPROTO_TCP = 6;
  private static final int TCP_INFO = 11;

  private static final int NIO_SOCKET_CONNECTED = 3;
  private static final int ASYNC_CONNECTED = 2;

  private final Class<?> nioSocketImpl;
  private final Class<?> socketChannelImpl;
  private final Class<?> serverChannelImpl;
  private final Class<?> asyncChannelImpl;

  private final VarHandle fdNumber;
  private final VarHandle socketImplFd;
  private final VarHandle socketImplAddress;
  private final VarHandle socketImplPort;
  private final VarHandle nioSocketState;
  private final VarHandle channelFd;
  private final VarHandle serverChannelFd;
  private final VarHandle channelRemote;
  private final VarHandle channelLocal;
  private final VarHandle asyncFd;
  private final VarHandle asyncRemote;
  private final VarHandle asyncState;

  private final MethodHandle poll;
  private final MethodHandle available;
  private final MethodHandle getIntOption;
  private final MethodHandle getOption;
  private final MethodHandle localAddress;
  private final MethodHandle remoteAddress;

  private final int pollIn;
  private final int pollNval;
  private final int peerFinEvents;
  private final boolean rdhup;
  private final boolean tcpInfo;
  private final boolean channelTryClose;

  JdkSockets() throws ReflectiveOperationException {
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    nioSocketImpl = Class.forName("sun.nio.ch.NioSocketImpl");
    socketChannelImpl = Class.forName("sun.nio.ch.SocketChannelImpl");
    serverChannelImpl = Class.forName("sun.nio.ch.ServerSocketChannelImpl");
    asyncChannelImpl = Class.forName("sun.nio.ch.AsynchronousSocketChannelImpl");
    Class<?> net = Class.forName("sun.nio.ch.Net");

    fdNumber = field(FileDescriptor.class, "fd", int.class, lookup);
    socketImplFd = field(SocketImpl.class, "fd", FileDescriptor.class, lookup);
    socketImplAddress = field(SocketImpl.class, "address", InetAddress.class, lookup);
    socketImplPort = field(SocketImpl.class, "port", int.class, lookup);
    nioSocketState = field(nioSocketImpl, "state", int.class, lookup);
    channelFd = field(socketChannelImpl, "fd", FileDescriptor.class, lookup);
    serverChannelFd = field(serverChannelImpl, "fd", FileDescriptor.class, lookup);
    channelRemote = field(socketChannelImpl, "remoteAddress", SocketAddress.class, lookup);
    channelLocal = field(socketChannelImpl, "localAddress", SocketAddress.class, lookup);
    asyncFd = field(asyncChannelImpl, "fd", FileDescriptor.class, lookup);
    asyncRemote = field(asyncChannelImpl, "remoteAddress", InetSocketAddress.class, lookup);
    asyncState = field(asyncChannelImpl, "state", int.class, lookup);

    MethodHandles.Lookup netLookup = MethodHandles.privateLookupIn(net, lookup);
    poll =
        netLookup.findStatic(
            net,
            "poll",
            MethodType.methodType(int.class, FileDescriptor.class, int.class, long.class));
    available =
        netLookup.findStatic(
            net, "available", MethodType.methodType(int.class, FileDescriptor.class));
    getIntOption =
        netLookup.findStatic(
            net,
            "getIntOption0",
            MethodType.methodType(
                int.class, FileDescriptor.class, boolean.class, int.class, int.class));
    getOption =
        netLookup.findStatic(
            net,
            "getSocketOption",
            MethodType.methodType(Object.class, FileDescriptor.class, SocketOption.class));
    localAddress =
        netLookup.findStatic(
            net,
            "localAddress",
            MethodType.methodType(InetSocketAddress.class, FileDescriptor.class));
    remoteAddress =
        netLookup.findStatic(
            net,
            "remoteAddress",
            MethodType.methodType(InetSocketAddress.class, FileDescriptor.class));
    try {
      pollIn =
          (short)
              netLookup.findStatic(net, "pollinValue", MethodType.methodType(short.class)).invoke();
    } catch (Throwable t) {
      throw new ReflectiveOperationException("sun.nio.ch.Net.pollinValue", t);
    }
    try {
      pollNval =
          (short)
              netLookup
                  .findStatic(net, "pollnvalValue", MethodType.methodType(short.class))
                  .invoke();
    } catch (Throwable t) {
      throw new ReflectiveOperationException("sun.nio.ch.Net.pollnvalValue", t);
    }
    rdhup = kernelTellsPeerFin();
    peerFinEvents = rdhup ? pollIn | POLLRDHUP_LINUX : pollIn;
    tcpInfo = rdhup && tcpInfoWorks();
    channelTryClose = declares(socketChannelImpl, "tryClose");
  }

  private static boolean declares(Class<?> type, String method) {
    for (java.lang.reflect.Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(method) && m.getParameterCount() == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code TCP_INFO} answers here: asked once, on a socket of our own that never connects.
   */
  private boolean tcpInfoWorks() {
    try (SocketChannel probe = SocketChannel.open()) {
      FileDescriptor fd = (FileDescriptor) channelFd.get(probe);
      return tcpStateOf(fd) == TcpStates.CLOSE;
    } catch (Throwable t) {
      return false;
    }
  }

  private static VarHandle field(
      Class<?> owner, String name, Class<?> type, MethodHandles.Lookup lookup)
      throws ReflectiveOperationException {
    return MethodHandles.privateLookupIn(owner, lookup).findVarHandle(owner, name, type);
  }

  /** Whether the peer's FIN is told by the kernel ({@code POLLRDHUP}) or by EOF-without-data. */
  public static boolean kernelTellsPeerFin() {
    return System.getProperty("os.name", "").startsWith("Linux");
  }

  /** The socket's file descriptor, or null for a type this class does not know. */
  FileDescriptor fd(Object socket) {
    Class<?> type = socket.getClass();
    if (type == nioSocketImpl) {
      return (FileDescriptor) socketImplFd.get(socket);
    }
    if (type == socketChannelImpl) {
      return (FileDescriptor) channelFd.get(socket);
    }
    if (asyncChannelImpl.isAssignableFrom(type)) {
      return (FileDescriptor) asyncFd.get(socket);
    }
    if (type == serverChannelImpl) {
      return (FileDescriptor) serverChannelFd.get(socket);
    }
    return null;
  }

  int fdNumber(FileDescriptor fd) {
    return fd == null ? -1 : (int) fdNumber.get(fd);
  }

  /**
   * A descriptor object for a descriptor number, for polling from the background thread. It owns
   * nothing: no cleaner is registered, so it never closes the descriptor.
   */
  public FileDescriptor probe(int fdNumber) {
    FileDescriptor fd = new FileDescriptor();
    this.fdNumber.set(fd, fdNumber);
    return fd;
  }

  /** The peer of a descriptor from {@code getpeername}, or null if it is not a connected socket. */
  public InetSocketAddress peer(FileDescriptor fd) {
    try {
      return (InetSocketAddress) remoteAddress.invokeExact(fd);
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * Whether a close of this socket reports the point right before it closes the descriptor ({@code
   * FIN_LEAVING}), so that the kernel is asked there rather than at the close's entry.
   */
  boolean asksLater(Object socket) {
    return socket.getClass() == socketChannelImpl && channelTryClose;
  }

  /**
   * Whether a close of this socket shuts its output down before closing the descriptor unless
   * linger is 0 ({@code NioSocketImpl.close}), so that the state right after it tells the linger.
   */
  boolean shutsDownFirst(Object socket) {
    return socket.getClass() == nioSocketImpl;
  }

  /** Whether the socket is connected right now (so that a close sends FIN or RST). */
  boolean isConnected(Object socket) {
    Class<?> type = socket.getClass();
    if (type == nioSocketImpl) {
      return (int) nioSocketState.getVolatile(socket) == NIO_SOCKET_CONNECTED;
    }
    if (type == socketChannelImpl) {
      return ((SocketChannel) socket).isConnected();
    }
    if (asyncChannelImpl.isAssignableFrom(type)) {
      return (int) asyncState.getVolatile(socket) == ASYNC_CONNECTED;
    }
    return false;
  }

  /** The remote address, or null when not connected or not an IP socket (Unix domain). */
  InetSocketAddress remote(Object socket) {
    Class<?> type = socket.getClass();
    if (type == nioSocketImpl) {
      InetAddress address = (InetAddress) socketImplAddress.get(socket);
      return address == null
          ? null
          : new InetSocketAddress(address, (int) socketImplPort.get(socket));
    }
    Object remote = null;
    if (type == socketChannelImpl) {
      remote = channelRemote.get(socket);
    } else if (asyncChannelImpl.isAssignableFrom(type)) {
      remote = asyncRemote.get(socket);
    }
    return remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
  }

  /** Whether the socket's remote address equals {@code expected}, without building an address. */
  boolean hasRemote(Object socket, InetSocketAddress expected) {
    if (socket.getClass() == nioSocketImpl) {
      InetAddress address = (InetAddress) socketImplAddress.get(socket);
      return address != null
          && (int) socketImplPort.get(socket) == expected.getPort()
          && address.equals(expected.getAddress());
    }
    return expected.equals(remote(socket));
  }

  /**
   * A connected socket's local address: a {@code SocketChannel}'s own field (which the JDK set from
   * {@code getsockname} when it connected or accepted), else {@link #local(FileDescriptor)}.
   */
  InetSocketAddress local(Object socket, FileDescriptor fd) {
    if (socket.getClass() == socketChannelImpl
        && channelLocal.get(socket) instanceof InetSocketAddress known
        && !known.getAddress().isAnyLocalAddress()) {
      return known;
    }
    return local(fd);
  }

  /** The local address from {@code getsockname}, or null if the kernel cannot say. */
  InetSocketAddress local(FileDescriptor fd) {
    try {
      return (InetSocketAddress) localAddress.invokeExact(fd);
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * What the peer has done, from a zero-timeout poll that consumes nothing, plus a {@code FIONREAD}
   * only when the socket is readable. On Linux {@code POLLRDHUP} tells the peer's FIN directly;
   * elsewhere readable-with-nothing-to-read means EOF.
   */
  @Override
  public int peerState(FileDescriptor fd) throws Throwable {
    int revents = (int) poll.invokeExact(fd, peerFinEvents, 0L);
    boolean readable = (revents & pollIn) != 0;
    if (rdhup) {
      boolean closed = (revents & POLLRDHUP_LINUX) != 0 || (revents & ~peerFinEvents) != 0;
      if (!readable) {
        return closed ? PEER_CLOSED : 0;
      }
      if (!closed) {
        return DATA_PENDING; // readable without the peer's FIN: data
      }
      return (int) available.invokeExact(fd) > 0 ? PEER_CLOSED | DATA_PENDING : PEER_CLOSED;
    }
    if (!readable) {
      return 0;
    }
    return (int) available.invokeExact(fd) > 0 ? DATA_PENDING : PEER_CLOSED;
  }

  /** Whether the peer's FIN (or a reset) has arrived. */
  public boolean peerFinArrived(FileDescriptor fd) throws Throwable {
    return (peerState(fd) & PEER_CLOSED) != 0;
  }

  /** Whether the descriptor number is no longer open at all. */
  public boolean descriptorClosed(FileDescriptor fd) {
    try {
      return ((int) poll.invokeExact(fd, 0, 0L) & pollNval) != 0;
    } catch (Throwable t) {
      return true;
    }
  }

  /**
   * The connection's TCP state ({@link TcpStates}) from {@code getsockopt(IPPROTO_TCP, TCP_INFO)}
   * with a four-byte buffer: the kernel copies the head of {@code struct tcp_info}, whose first
   * byte is {@code tcpi_state}. {@link TcpStates#UNKNOWN} where the kernel has no {@code TCP_INFO}.
   */
  @Override
  public int tcpState(FileDescriptor fd) throws Throwable {
    return tcpInfo ? tcpStateOf(fd) : TcpStates.UNKNOWN;
  }

  /** A descriptor that is already closed (or no socket) has no state to give: UNKNOWN. */
  private int tcpStateOf(FileDescriptor fd) throws Throwable {
    try {
      return (int) getIntOption.invokeExact(fd, false, IPPROTO_TCP, TCP_INFO) & 0xff;
    } catch (java.net.SocketException e) {
      return TcpStates.UNKNOWN;
    }
  }

  /** Bytes received and not read yet ({@code FIONREAD}; the peer's FIN is not counted). */
  @Override
  public int unread(FileDescriptor fd) throws Throwable {
    return (int) available.invokeExact(fd);
  }

  /** Whether {@code SO_LINGER} is on with a zero timeout: a close sends RST. */
  @Override
  public boolean lingerZero(FileDescriptor fd) throws Throwable {
    Object linger =
        (Object) getOption.invokeExact(fd, (SocketOption<?>) StandardSocketOptions.SO_LINGER);
    return linger instanceof Integer && (Integer) linger == 0;
  }
}
