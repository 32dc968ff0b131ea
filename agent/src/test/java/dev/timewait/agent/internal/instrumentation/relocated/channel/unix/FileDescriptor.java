package dev.timewait.agent.internal.instrumentation.relocated.channel.unix;

/** Shaped like Netty's {@code io.netty.channel.unix.FileDescriptor}, in a relocated package. */
public class FileDescriptor {
  public volatile int state;
  final int fd;
  public int closes;

  public FileDescriptor(int fd) {
    this.fd = fd;
  }

  protected boolean markClosed() {
    if ((state & 1) != 0) {
      return false;
    }
    state |= 7;
    return true;
  }

  public void close() {
    if (markClosed()) {
      closes++;
    }
  }
}
