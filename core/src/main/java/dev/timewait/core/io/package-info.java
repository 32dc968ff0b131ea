/** Files written by the agent and the command line. */
package dev.timewait.core.io;
