package dev.timewait.examples;

import java.net.InetSocketAddress;

/** A connection the loopback server accepted: its own address and the client's. */
public record AcceptedConnection(InetSocketAddress server, InetSocketAddress client) {}
