/**
 * Who owns each TIME_WAIT socket of a host, per network namespace. The kernel keeps no owner for a
 * TIME_WAIT socket (its uid and inode are 0), so ownership is known two ways: exactly, when an
 * agent's recent active closes name the 4-tuple; or estimated, from the processes that hold (or
 * held at an earlier sample) other sockets from the same local address to the same remote endpoint,
 * or the listener of the local port. What neither explains is "unknown", so the owners of a
 * namespace always add up to its TIME_WAIT count.
 */
package dev.timewait.core.owners;
