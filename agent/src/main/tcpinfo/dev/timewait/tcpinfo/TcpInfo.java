package dev.timewait.tcpinfo;

/** {@code getsockopt(TCP_INFO)} on a socket descriptor, for the times the JDK does not give. */
public final class TcpInfo {
  private TcpInfo() {}

  /** Loads the native library from its absolute path. */
  public static void load(String path) {
    System.load(path);
  }

  /**
   * When the socket last sent and last received data, in milliseconds before the last segment that
   * arrived: sending in the high 32 bits (negative when it came after that segment), receiving in
   * the low 32; {@link Long#MIN_VALUE} when {@code getsockopt(TCP_INFO)} fails.
   */
  public static native long dataBeforeLastSegment(int fd);
}
