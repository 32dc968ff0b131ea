package dev.timewait.analyzer.report;

import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.owners.HostProcess;
import dev.timewait.core.owners.Owner;
import dev.timewait.core.rules.DestinationUse;
import dev.timewait.core.rules.Finding;
import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, independent of its format. Strings from the host or the agent are kept
 * as they are; each renderer escapes them for its format.
 *
 * @param schema {@link #SCHEMA}
 * @param generatedAt when the report was made (ISO-8601)
 * @param sources what was read, one line each
 * @param owners who owns the host's TIME_WAIT sockets, per network namespace (each namespace's
 *     owners add up to its TIME_WAIT count), most sockets first; empty when not sampled live
 * @param namespaces the network namespaces the owners were counted in
 * @param host the sampled host, or null when only snapshots were read
 * @param findings most severe first
 * @param sites agent sites of all snapshots, most active closes first
 * @param jvms one row per snapshot
 * @param timeWaitSeries TIME_WAIT sockets over the sampling window
 * @param ownership per JVM, how many of the host's TIME_WAIT sockets its recent closes explain
 * @param unavailable what could not be read and why
 */
public record Report(
    String schema,
    String generatedAt,
    List<String> sources,
    List<Owner> owners,
    List<Namespace> namespaces,
    Host host,
    List<Finding> findings,
    List<Site> sites,
    List<Jvm> jvms,
    List<Point> timeWaitSeries,
    List<Ownership> ownership,
    List<String> unavailable) {

  /** The JSON schema name of this report. */
  public static final String SCHEMA = "timewait.report/1";

  public Report {
    sources = List.copyOf(sources);
    owners = List.copyOf(owners);
    namespaces = List.copyOf(namespaces);
    findings = List.copyOf(findings);
    sites = List.copyOf(sites);
    jvms = List.copyOf(jvms);
    timeWaitSeries = List.copyOf(timeWaitSeries);
    ownership = List.copyOf(ownership);
    unavailable = List.copyOf(unavailable);
  }

  /**
   * The sampled host.
   *
   * @param netns the network namespace these figures are of (the reader's), or null when unknown
   * @param root the root its files were read under
   * @param collector which collector sampled it
   * @param os operating system description
   * @param kernel kernel release
   * @param timeWait TIME_WAIT sockets at the end of the window
   * @param closeWait CLOSE_WAIT sockets at the end of the window
   * @param windowSeconds length of the sampling window (0 for one sample)
   * @param settings the TIME_WAIT-related sysctl values that are known
   * @param destinations client destination groups, most used first
   */
  public record Host(
      Long netns,
      String root,
      String collector,
      String os,
      String kernel,
      Long timeWait,
      Long closeWait,
      double windowSeconds,
      Map<String, Object> settings,
      List<DestinationUse> destinations) {

    public Host {
      destinations = List.copyOf(destinations);
    }
  }

  /**
   * One network namespace of the host, with its own TIME_WAIT table and sysctls.
   *
   * @param netns its inode ({@code /proc/PID/ns/net}), or null when unknown
   * @param own whether it is the namespace the report ran in
   * @param readThroughPid the process whose {@code /proc/PID/net} was read, or null for the
   *     report's own namespace
   * @param processes the processes in it
   * @param containerIds the container ids its processes' cgroups name
   * @param timeWait its TIME_WAIT sockets, counted with the owners
   * @param closeWait its CLOSE_WAIT sockets
   * @param settings its TIME_WAIT-related sysctls that are known (none when they could not be read
   *     inside it)
   * @param destinations its client destination groups, most used first
   * @param findings the rules' findings on its own table and sysctls, most severe first; empty for
   *     the report's own namespace, whose findings are the report's
   */
  public record Namespace(
      Long netns,
      boolean own,
      Long readThroughPid,
      List<HostProcess> processes,
      List<String> containerIds,
      long timeWait,
      Long closeWait,
      Map<String, Object> settings,
      List<DestinationUse> destinations,
      List<Finding> findings) {

    public Namespace {
      processes = List.copyOf(processes);
      containerIds = List.copyOf(containerIds);
      destinations = List.copyOf(destinations);
      findings = List.copyOf(findings);
    }
  }

  /**
   * Which JVM a row is about.
   *
   * @param label for people, e.g. {@code web-1 pid 123 (com.example.Main)}
   * @param hostName host name, or null when unknown
   * @param pid process id, or null when unknown
   * @param mainClass main class, or null when unknown
   * @param javaVersion {@code java.version}, or null when unknown
   */
  public record JvmId(
      String label, String hostName, Long pid, String mainClass, String javaVersion) {}

  /**
   * Active closes of one site towards one remote endpoint.
   *
   * @param endpoint as the agent names it: {@code ip:port}, {@code [v6]:port}, {@code ip:*} for
   *     server-side rows, or {@code (other endpoints)}
   * @param address the remote IP, or null for {@code (other endpoints)}
   * @param port the remote port, or null when it is not one port
   * @param active active closes
   */
  public record Remote(String endpoint, String address, Integer port, long active) {}

  /**
   * One agent site.
   *
   * @param jvm the JVM it was seen in
   * @param site the frame that closed
   * @param openSite the frame that opened
   * @param role CLIENT, SERVER or UNKNOWN
   * @param active active closes
   * @param passive passive closes
   * @param abortive resets
   * @param activePerMinute active closes per minute
   * @param rateBasis how the rate was measured
   * @param remotes remote endpoints with their active closes
   * @param stack the close stack, innermost first, as the agent kept it
   * @param openStack the open stack, innermost first (empty when unknown)
   * @param estimated how many of the counts are estimated from the agent's sampled stacks (0:
   *     exact)
   */
  public record Site(
      JvmId jvm,
      String site,
      String openSite,
      String role,
      long active,
      long passive,
      long abortive,
      double activePerMinute,
      String rateBasis,
      List<Remote> remotes,
      List<String> stack,
      List<String> openStack,
      long estimated) {

    public Site {
      remotes = List.copyOf(remotes);
      stack = List.copyOf(stack);
      openStack = List.copyOf(openStack);
    }

    /** A count of this row as a report shows it: {@code ≈} before it when the row is estimated. */
    public String shown(long count) {
      return estimated > 0 ? "\u2248" + count : String.valueOf(count);
    }
  }

  /**
   * One snapshot's JVM.
   *
   * @param jvm which JVM
   * @param takenAt when the snapshot was taken
   * @param startedAt when recording started
   * @param activeCloses active closes
   * @param passiveCloses passive closes
   * @param abortiveCloses resets
   */
  public record Jvm(
      JvmId jvm,
      String takenAt,
      String startedAt,
      long activeCloses,
      long passiveCloses,
      long abortiveCloses) {}

  /**
   * TIME_WAIT at one moment.
   *
   * @param at ISO-8601 time
   * @param timeWait sockets in TIME_WAIT (sockstat, or the table when sampled)
   */
  public record Point(String at, Long timeWait) {}

  /**
   * The TIME_WAIT sockets of the host that one JVM's recent active closes explain.
   *
   * @param jvm the JVM
   * @param recentCloses distinct 4-tuples among its recent active closes
   * @param droppedCloses closes the agent left out of its recent list (counts are then lower
   *     bounds)
   * @param confirmed of those, the ones the kernel holds in TIME_WAIT
   * @param hostTimeWait all TIME_WAIT sockets of the host
   * @param shareOfHost {@code confirmed / hostTimeWait}, or null when the host has none
   * @param sites per code site, most TIME_WAIT sockets first
   */
  public record Ownership(
      JvmId jvm,
      long recentCloses,
      long droppedCloses,
      long confirmed,
      long hostTimeWait,
      Double shareOfHost,
      List<SiteOwnership> sites) {

    public Ownership {
      sites = List.copyOf(sites);
    }
  }
}
