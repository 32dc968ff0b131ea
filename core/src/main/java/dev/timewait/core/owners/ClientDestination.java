package dev.timewait.core.owners;

import dev.timewait.core.host.IpAddresses;

/**
 * What a client connection's TIME_WAIT sockets share with the connections that left them: the local
 * address and the remote endpoint (the local port differs from one connection to the next).
 *
 * @param localIp local address, canonical text
 * @param remoteIp remote address, canonical text
 * @param remotePort remote port
 */
public record ClientDestination(String localIp, String remoteIp, int remotePort) {

  @Override
  public String toString() {
    return IpAddresses.withPort(remoteIp, remotePort) + " from " + localIp;
  }
}
