package dev.timewait.agent.internal.record;

import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code dev.timewait.ConnectionEnd}: one classified end of a TCP connection, for Flight Recorder
 * (the JDK records socket reads and writes, but no connect or close). Committed on the closing
 * thread, so JFR's own stack trace is the full close stack. Without a recording, {@link #emit}
 * costs a disabled-event check and allocates nothing.
 */
@Name("dev.timewait.ConnectionEnd")
@Label("Connection End")
@Category({"timewait", "Network"})
@Description(
    "A TCP connection ended: ACTIVE (this side's FIN first: TIME_WAIT here), PASSIVE or ABORTIVE")
@StackTrace(true)
public final class ConnectionEndEvent extends Event {

  @Label("Kind")
  @Description("ACTIVE, PASSIVE or ABORTIVE")
  String kind;

  @Label("Role")
  @Description("CLIENT (this JVM connected), SERVER (it accepted) or UNKNOWN")
  String role;

  @Label("Local Address")
  String localAddress;

  @Label("Local Port")
  int localPort;

  @Label("Remote Address")
  String remoteAddress;

  @Label("Remote Port")
  int remotePort;

  @Label("Close Site")
  @Description("The first application frame of the closing thread")
  String closeSite;

  @Label("Open Site")
  @Description("The first application frame of the thread that connected or accepted")
  String openSite;

  @Label("Library")
  @Description(
      "The library the connection went through (Maven coordinates or a JDK module), when known")
  String library;

  /** Commits one event if a recording wants it; a no-op otherwise. */
  public static void emit(
      CodeSite closeSite,
      CodeSite openSite,
      Role role,
      CloseKind kind,
      InetSocketAddress local,
      InetSocketAddress remote) {
    ConnectionEndEvent event = new ConnectionEndEvent();
    if (!event.shouldCommit()) {
      return;
    }
    event.kind = kind.name();
    event.role = role.name();
    if (local != null) {
      event.localAddress = address(local);
      event.localPort = local.getPort();
    }
    if (remote != null) {
      event.remoteAddress = address(remote);
      event.remotePort = remote.getPort();
    }
    event.closeSite = closeSite == null ? null : closeSite.frame;
    event.openSite = openSite == null ? null : openSite.frame;
    event.library = CodeSite.via(closeSite, openSite);
    event.commit();
  }

  private static String address(InetSocketAddress endpoint) {
    InetAddress address = endpoint.getAddress();
    return address == null ? endpoint.getHostString() : IpAddresses.format(address.getAddress());
  }
}
