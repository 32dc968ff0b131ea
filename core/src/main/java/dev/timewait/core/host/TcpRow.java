package dev.timewait.core.host;

/**
 * One socket of the connection table, as a mutable holder the parser refills for every row so the
 * scan allocates nothing per socket. Addresses are four 32-bit words in network order (first byte
 * in the high bits); an IPv4 address is stored IPv4-mapped ({@code ::ffff:a.b.c.d}), so the two
 * families compare alike.
 */
public final class TcpRow {

  /** {@link #timerTicks} when the source does not give the timer. */
  public static final long NO_TIMER = -1;

  /** Kernel state code, see {@link TcpState#code()}. */
  public int state;

  /** Local address, four words. */
  public final int[] local = new int[4];

  /** Local port. */
  public int localPort;

  /** Remote address, four words. */
  public final int[] remote = new int[4];

  /** Remote port. */
  public int remotePort;

  /** Time left on the socket's timer in USER_HZ ticks, or {@link #NO_TIMER}. */
  public long timerTicks = NO_TIMER;

  /**
   * The socket's inode, which {@code /proc/PID/fd} links name as {@code socket:[inode]}; 0 when the
   * kernel gives none (TIME_WAIT rows) or the parser was not asked to read it.
   */
  public long inode;

  /** Sets an IPv4 address (network order int) as IPv4-mapped words. */
  public static void setIpv4(int[] words, int address) {
    words[0] = 0;
    words[1] = 0;
    words[2] = 0xffff;
    words[3] = address;
  }

  /** Sets an address from its 4 or 16 bytes; returns false for any other length. */
  public static boolean setAddress(int[] words, byte[] address) {
    if (address == null) {
      return false;
    }
    if (address.length == 4) {
      setIpv4(words, wordAt(address, 0));
      return true;
    }
    if (address.length != 16) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      words[i] = wordAt(address, 4 * i);
    }
    return true;
  }

  private static int wordAt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xff) << 24
        | (bytes[offset + 1] & 0xff) << 16
        | (bytes[offset + 2] & 0xff) << 8
        | (bytes[offset + 3] & 0xff);
  }

  /** Canonical text of a four-word address (see {@link IpAddresses}). */
  public static String format(int[] words) {
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[2 * i] = words[i] >>> 16;
      groups[2 * i + 1] = words[i] & 0xffff;
    }
    return IpAddresses.ipv6(groups);
  }

  /** This row's 4-tuple as a record. */
  public SocketPair toSocketPair() {
    return new SocketPair(format(local), localPort, format(remote), remotePort);
  }

  /** The state, or null for a code {@link TcpState} does not know. */
  public TcpState tcpState() {
    return TcpState.ofCode(state);
  }
}
