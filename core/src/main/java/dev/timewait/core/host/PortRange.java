package dev.timewait.core.host;

/**
 * The ephemeral port range {@code connect()} picks from, and how much of it is usable.
 *
 * @param low first port of {@code ip_local_port_range}
 * @param high last port of {@code ip_local_port_range}, inclusive
 * @param reservedInRange ports of {@code ip_local_reserved_ports} that fall inside the range
 */
public record PortRange(int low, int high, int reservedInRange) {

  /** Ports in the range, reserved or not. */
  public int size() {
    return Math.max(0, high - low + 1);
  }

  /** Ports {@code connect()} can use per (source IP, destination IP, destination port). */
  public int usable() {
    return Math.max(0, size() - reservedInRange);
  }

  /** Whether {@code port} lies in the range. */
  public boolean contains(int port) {
    return port >= low && port <= high;
  }
}
