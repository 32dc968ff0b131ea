/**
 * The agent's one native call, in a module of its own so that native access is granted to it alone
 * (a module layer the agent defines), not to every unnamed module.
 */
module dev.timewait.tcpinfo {
  exports dev.timewait.tcpinfo;
}
