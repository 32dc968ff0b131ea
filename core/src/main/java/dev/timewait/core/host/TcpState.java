package dev.timewait.core.host;

/**
 * TCP states with the codes the kernel prints in {@code /proc/net/tcp} ({@code
 * include/net/tcp_states.h}).
 */
public enum TcpState {
  ESTABLISHED(0x01),
  SYN_SENT(0x02),
  SYN_RECV(0x03),
  FIN_WAIT1(0x04),
  FIN_WAIT2(0x05),
  TIME_WAIT(0x06),
  CLOSE(0x07),
  CLOSE_WAIT(0x08),
  LAST_ACK(0x09),
  LISTEN(0x0A),
  CLOSING(0x0B),
  NEW_SYN_RECV(0x0C),
  BOUND_INACTIVE(0x0D);

  private static final TcpState[] BY_CODE = new TcpState[16];

  static {
    for (TcpState state : values()) {
      BY_CODE[state.code] = state;
    }
  }

  private final int code;

  TcpState(int code) {
    this.code = code;
  }

  /** The kernel's numeric state code. */
  public int code() {
    return code;
  }

  /** The state for a kernel code, or {@code null} for a code this enum does not know. */
  public static TcpState ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
