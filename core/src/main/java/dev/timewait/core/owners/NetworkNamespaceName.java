package dev.timewait.core.owners;

import dev.timewait.core.host.HostRoot;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Names the network namespace whose tables a root's {@code /proc/net} shows to this process, as
 * {@code hostname/inode}: the inode of {@code /proc/self/ns/net} alone repeats from host to host
 * (the first namespace of every boot gets the same one), the UTS host name alone is shared by
 * containers of one pod, which share their network namespace too.
 */
public final class NetworkNamespaceName {

  private NetworkNamespaceName() {}

  /** The inode of {@code /proc/self/ns/net} under {@code root}, or null when unreadable. */
  public static Long inode(HostRoot root) {
    try {
      return ProcessScan.netnsOf(
          Files.readSymbolicLink(root.resolve("/proc/self/ns/net")).toString());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code hostname/inode}, e.g. {@code web-7/4026531840}, or null when either is unknown (a
   * captured tree, a platform without {@code /proc}).
   */
  public static String of(HostRoot root) {
    Long inode = inode(root);
    String host = root.readLine("/proc/sys/kernel/hostname");
    return inode == null || host == null ? null : host + "/" + inode;
  }
}
