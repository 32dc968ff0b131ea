package dev.timewait.agent.internal.instrumentation.relocated.channel.unix;

/** Shaped like Netty's {@code io.netty.channel.unix.Socket}, in a relocated package. */
public class Socket extends FileDescriptor {
  public Socket(int fd) {
    super(fd);
  }

  public final void shutdown(boolean read, boolean write) {
    state |= (read ? 2 : 0) | (write ? 4 : 0);
  }
}
