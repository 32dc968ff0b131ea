package dev.timewait.core.host;

/**
 * TIME_WAIT sockets this host holds as a server: their local port is listening on this host.
 *
 * @param localPort the listening port
 * @param timeWait sockets in TIME_WAIT on that port
 * @param distinctRemoteIps remote addresses among them (few addresses with many sockets hint at NAT
 *     or a proxy in front)
 */
public record ServerTimeWaitGroup(int localPort, long timeWait, int distinctRemoteIps) {}
