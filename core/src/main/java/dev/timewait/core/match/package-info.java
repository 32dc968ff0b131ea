/**
 * Matches the agent's recent active closes with the kernel's TIME_WAIT table: which of this JVM's
 * closes the kernel still holds, and which share of the host's TIME_WAIT sockets each code site
 * owns.
 */
package dev.timewait.core.match;
