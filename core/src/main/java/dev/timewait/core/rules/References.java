package dev.timewait.core.rules;

/** Documents that findings cite. */
final class References {

  private References() {}

  static final String IP_SYSCTL = "https://docs.kernel.org/networking/ip-sysctl.html";
  static final String RECYCLE_REMOVED = "https://git.kernel.org/torvalds/c/4396e46187ca";
  static final String REUSE_LOOPBACK = "https://git.kernel.org/torvalds/c/79e9fed46038";
  static final String REUSE_DELAY = "https://git.kernel.org/torvalds/c/ca6a6f93867a";
  static final String NF_CONNTRACK_SYSCTL =
      "https://docs.kernel.org/networking/nf_conntrack-sysctl.html";
  static final String RFC_7323 = "https://www.rfc-editor.org/rfc/rfc7323";
  static final String RFC_9293 = "https://www.rfc-editor.org/rfc/rfc9293";
}
