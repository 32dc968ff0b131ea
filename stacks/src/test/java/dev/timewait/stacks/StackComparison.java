package dev.timewait.stacks;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares one case run's snapshot with the kernel's account of the run, 4-tuple by 4-tuple.
 *
 * <p>On loopback the namespace holds both ends of every connection, and the capture shows which end
 * sent each FIN and RST. An end in TIME_WAIT closed first: ACTIVE. An end without TIME_WAIT that
 * sent a RST ended the connection with a reset ({@code SO_LINGER} 0, unread data at the close, or
 * its FIN answered by the peer's late data): ABORTIVE. Any other end closed after its peer's FIN or
 * reset: PASSIVE. Ends at the case's server port are the JVM's only when the server runs in it.
 */
final class StackComparison {
  private static final int SHOWN = 3;

  private StackComparison() {}

  /** How the case's child ended: its exit status and its summary line's counts. */
  record ChildRun(int exitCode, int calls, int errors) {}

  /** One connection as the kernel saw it: each end's TIME_WAIT and RST. */
  private static final class Connection {
    SocketPair client;
    boolean clientTimeWait;
    boolean serverTimeWait;
    boolean clientReset;
    boolean serverReset;
    boolean closed;
  }

  static CaseOutcome compare(
      StackCase stackCase,
      String jdk,
      int serverPort,
      int calls,
      ChildRun child,
      KernelRun kernel,
      Snapshot snapshot) {
    boolean serverInJvm = stackCase.server() == StackCase.Server.IN_JVM;
    Map<Check, String> results = new EnumMap<>(Check.class);
    List<String> run = new ArrayList<>();

    // The kernel's side, per connection, keyed by its client end.
    Map<SocketPair, Connection> connections = new LinkedHashMap<>();
    List<SocketPair> foreign = new ArrayList<>();
    for (SocketPair tuple : kernel.timeWait()) {
      Connection connection = connection(connections, tuple, serverPort);
      if (connection == null) {
        foreign.add(tuple);
      } else if (tuple.localPort() == serverPort) {
        connection.serverTimeWait = true;
      } else {
        connection.clientTimeWait = true;
      }
    }
    for (PcapReader.Segment segment : kernel.closes()) {
      Connection connection = connection(connections, segment.pair(), serverPort);
      if (connection == null) {
        continue; // the namespace's other sockets: the servers' own
      }
      connection.closed = true;
      boolean fromServer = segment.pair().localPort() == serverPort;
      if (segment.rst()) {
        if (fromServer) {
          connection.serverReset = true;
        } else {
          connection.clientReset = true;
        }
      }
    }
    Map<SocketPair, Role> expectedActive = new HashMap<>();
    Map<Role, long[]> expected = new EnumMap<>(Role.class); // passive, abortive
    expected.put(Role.CLIENT, new long[2]);
    expected.put(Role.SERVER, new long[2]);
    long timeWaitClient = 0;
    long timeWaitServer = 0;
    long resets = 0;
    long resetByClient = 0;
    long resetByServer = 0;
    long unclosed = 0;
    for (Connection connection : connections.values()) {
      SocketPair clientEnd = connection.client;
      SocketPair serverEnd = reverse(clientEnd);
      timeWaitClient += connection.clientTimeWait ? 1 : 0;
      timeWaitServer += connection.serverTimeWait ? 1 : 0;
      if (!connection.clientTimeWait && !connection.serverTimeWait) {
        resets++;
        resetByClient += connection.clientReset ? 1 : 0;
        resetByServer += connection.serverReset ? 1 : 0;
      }
      if (!connection.closed) {
        unclosed++;
      }
      expect(
          expectedActive,
          expected,
          Role.CLIENT,
          clientEnd,
          connection.clientTimeWait,
          connection.clientReset);
      if (serverInJvm) {
        expect(
            expectedActive,
            expected,
            Role.SERVER,
            serverEnd,
            connection.serverTimeWait,
            connection.serverReset);
      }
    }

    if (child.exitCode() != 0 || child.calls() != calls || child.errors() != 0) {
      run.add(
          "the application exited "
              + child.exitCode()
              + " after "
              + child.calls()
              + " calls with "
              + child.errors()
              + " errors");
    }
    if (kernel.connections() != calls) {
      run.add(
          "the kernel counted " + kernel.connections() + " connections for " + calls + " calls");
    }
    if (connections.size() != kernel.connections() || unclosed > 0 || kernel.dropped() > 0) {
      run.add(
          "the capture shows "
              + (connections.size() - unclosed)
              + " closed connections of "
              + kernel.connections()
              + " opened ("
              + kernel.dropped()
              + " packets lost)");
    }
    if (!kernel.unsettled().isEmpty()) {
      run.add("still closing when the kernel was read: " + first(kernel.unsettled()));
    }
    if (!foreign.isEmpty()) {
      run.add("TIME_WAIT off the case's server port: " + first(foreign));
    }
    if (kernel.timeWaitOverflow() > 0) {
      run.add("the namespace's TIME_WAIT table overflowed " + kernel.timeWaitOverflow() + " times");
    }
    results.put(Check.RUN, join(run));

    // The agent's side.
    Map<SocketPair, RecentClose> recorded = new LinkedHashMap<>();
    long withoutTuple = 0;
    for (RecentClose close : snapshot.recentActiveCloses()) {
      if (close.pair() == null) {
        withoutTuple++;
      } else {
        recorded.put(close.pair(), close);
      }
    }

    List<String> missed = new ArrayList<>();
    long recalled = 0;
    for (Map.Entry<SocketPair, Role> wanted : expectedActive.entrySet()) {
      RecentClose close = recorded.get(wanted.getKey());
      if (close == null) {
        missed.add("not seen: " + wanted.getKey());
      } else if (close.role() != wanted.getValue()) {
        missed.add("as " + close.role() + ", not " + wanted.getValue() + ": " + wanted.getKey());
      } else {
        recalled++;
      }
    }
    results.put(
        Check.RECALL,
        missed.isEmpty()
            ? null
            : recalled
                + " of "
                + expectedActive.size()
                + " TIME_WAIT tuples recorded; "
                + first(missed));

    List<String> wrong = new ArrayList<>();
    for (RecentClose close : recorded.values()) {
      if (!expectedActive.containsKey(close.pair())) {
        wrong.add(close.pair() + " at " + close.site());
      }
    }
    List<String> precision = new ArrayList<>();
    if (!wrong.isEmpty()) {
      precision.add(
          wrong.size() + " active closes the kernel has no TIME_WAIT for: " + first(wrong));
    }
    if (snapshot.totals().active() != recorded.size() || withoutTuple > 0) {
      precision.add(
          snapshot.totals().active()
              + " active closes counted, "
              + recorded.size()
              + " recorded with a tuple");
    }
    results.put(Check.PRECISION, join(precision));

    results.put(Check.PASSIVE, kindCheck(snapshot, expected, CloseKind.PASSIVE));
    results.put(Check.ABORTIVE, kindCheck(snapshot, expected, CloseKind.ABORTIVE));

    long expectedCloses = expectedActive.size();
    for (long[] counts : expected.values()) {
      expectedCloses += counts[0] + counts[1];
    }
    long named = 0;
    Map<String, Long> elsewhere = new LinkedHashMap<>();
    for (SiteStats row : snapshot.sites()) {
      long closes = row.active() + row.passive() + row.abortive();
      if (stackCase.isOwn(row.role(), row.site()) || stackCase.isOwn(row.role(), row.openSite())) {
        named += closes;
      } else if (closes > 0) {
        elsewhere.merge(
            row.role() + " " + shortFrame(row.site()) + ", open " + shortFrame(row.openSite()),
            closes,
            Long::sum);
      }
    }
    results.put(
        Check.NAMED,
        named == expectedCloses && elsewhere.isEmpty()
            ? null
            : named
                + " of "
                + expectedCloses
                + " closes named by "
                + stackCase.ownMethods()
                + (elsewhere.isEmpty() ? "" : "; elsewhere: " + elsewhere));

    String kernelText =
        kernelText(
            kernel.connections(),
            timeWaitClient,
            timeWaitServer,
            resets,
            resetByClient,
            resetByServer);
    String namedText =
        named + "/" + expectedCloses + (elsewhere.isEmpty() ? "" : " · " + mostCommon(elsewhere));
    return new CaseOutcome(
        stackCase, jdk, kernelText, agentText(snapshot, wrong.size()), namedText, results);
  }

  /**
   * The connection {@code tuple} (either direction) belongs to, or null when it is not the case's.
   */
  private static Connection connection(
      Map<SocketPair, Connection> connections, SocketPair tuple, int serverPort) {
    SocketPair client;
    if (tuple.remotePort() == serverPort) {
      client = tuple;
    } else if (tuple.localPort() == serverPort) {
      client = reverse(tuple);
    } else {
      return null;
    }
    return connections.computeIfAbsent(
        client,
        key -> {
          Connection connection = new Connection();
          connection.client = key;
          return connection;
        });
  }

  private static SocketPair reverse(SocketPair tuple) {
    return new SocketPair(tuple.remoteIp(), tuple.remotePort(), tuple.localIp(), tuple.localPort());
  }

  private static void expect(
      Map<SocketPair, Role> active,
      Map<Role, long[]> others,
      Role role,
      SocketPair end,
      boolean timeWait,
      boolean reset) {
    if (timeWait) {
      active.put(end, role);
    } else if (reset) {
      others.get(role)[1]++;
    } else {
      others.get(role)[0]++;
    }
  }

  private static String kindCheck(Snapshot snapshot, Map<Role, long[]> expected, CloseKind kind) {
    int index = kind == CloseKind.PASSIVE ? 0 : 1;
    List<String> wrong = new ArrayList<>();
    for (Role role : Role.values()) {
      CloseCounts counts = counts(snapshot, role);
      long agent = kind == CloseKind.PASSIVE ? counts.passive() : counts.abortive();
      long kernel = expected.containsKey(role) ? expected.get(role)[index] : 0;
      if (agent != kernel) {
        wrong.add(role.name().toLowerCase() + ": agent " + agent + ", kernel " + kernel);
      }
    }
    return wrong.isEmpty()
        ? null
        : kind.name().toLowerCase() + " closes " + String.join("; ", wrong);
  }

  private static CloseCounts counts(Snapshot snapshot, Role role) {
    return snapshot.totals().byRole().getOrDefault(role, new CloseCounts(0, 0, 0));
  }

  static String kernelText(
      long connections, long client, long server, long resets, long byClient, long byServer) {
    List<String> parts = new ArrayList<>();
    if (client > 0) {
      parts.add(client + " TIME_WAIT client side");
    }
    if (server > 0) {
      parts.add(server + " TIME_WAIT server side");
    }
    if (resets > 0) {
      String from;
      if (byServer == 0) {
        from = "from the client";
      } else if (byClient == 0) {
        from = "from the server";
      } else {
        from = "client " + byClient + ", server " + byServer;
      }
      parts.add(resets + " RST (" + from + ")");
    }
    return connections + " conn: " + (parts.isEmpty() ? "none closed" : String.join(", ", parts));
  }

  static String agentText(Snapshot snapshot, long wronglyActive) {
    List<String> parts = new ArrayList<>();
    for (Role role : Role.values()) {
      CloseCounts counts = counts(snapshot, role);
      String side = role.name().toLowerCase();
      if (counts.active() > 0) {
        parts.add(counts.active() + " active " + side);
      }
      if (counts.passive() > 0) {
        parts.add(counts.passive() + " passive " + side);
      }
      if (counts.abortive() > 0) {
        parts.add(counts.abortive() + " abortive " + side);
      }
    }
    if (parts.isEmpty()) {
      return "0 seen";
    }
    return String.join(", ", parts)
        + (wronglyActive > 0 ? " (" + wronglyActive + " active wrongly)" : "");
  }

  /** {@code Class.method} of a frame, without its package and line. */
  static String shortFrame(String frame) {
    if (frame == null) {
      return "-";
    }
    if (frame.startsWith("(")) {
      return frame; // (no application frame) and the agent's other placeholders
    }
    int paren = frame.indexOf('(');
    String name = paren < 0 ? frame : frame.substring(0, paren);
    int method = name.lastIndexOf('.');
    int type = method < 0 ? -1 : name.lastIndexOf('.', method - 1);
    return type < 0 ? name : name.substring(type + 1);
  }

  private static String mostCommon(Map<String, Long> counts) {
    String best = null;
    long most = -1;
    for (Map.Entry<String, Long> entry : counts.entrySet()) {
      if (entry.getValue() > most) {
        best = entry.getKey();
        most = entry.getValue();
      }
    }
    return best + (counts.size() > 1 ? " (+" + (counts.size() - 1) + " more)" : "");
  }

  private static String first(List<?> items) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < items.size() && i < SHOWN; i++) {
      text.append(i == 0 ? "" : "; ").append(items.get(i));
    }
    return items.size() > SHOWN
        ? text + " (+" + (items.size() - SHOWN) + " more)"
        : text.toString();
  }

  private static String join(List<String> problems) {
    return problems.isEmpty() ? null : String.join("; ", problems);
  }
}
