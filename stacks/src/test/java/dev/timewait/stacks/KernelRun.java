package dev.timewait.stacks;

import dev.timewait.core.host.SocketPair;
import java.util.List;
import java.util.Set;

/**
 * The kernel's account of one case run, in the suite's namespace.
 *
 * @param timeWait TIME_WAIT tuples that appeared during the run (local end first)
 * @param connections connections established during the run ({@code ActiveOpens} less {@code
 *     AttemptFails})
 * @param closes the FIN and RST segments on loopback during the run
 * @param dropped packets the capture lost (then {@code closes} is incomplete)
 * @param unsettled sockets of the case's server port still closing when the kernel was read
 * @param timeWaitOverflow closes the kernel gave no TIME_WAIT because its table was full
 */
record KernelRun(
    Set<SocketPair> timeWait,
    long connections,
    List<PcapReader.Segment> closes,
    long dropped,
    List<String> unsettled,
    long timeWaitOverflow) {

  KernelRun {
    timeWait = Set.copyOf(timeWait);
    closes = List.copyOf(closes);
    unsettled = List.copyOf(unsettled);
  }
}
