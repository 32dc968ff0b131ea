package dev.timewait.core.snapshot;

import java.util.List;

/**
 * Closes of one (close site, open site, role) combination.
 *
 * @param site the frame that closed, e.g. {@code com.example.Client.call(Client.java:42)}, or
 *     {@code (other sites)} for the overflow row
 * @param openSite the frame that opened the connection, or null when unknown
 * @param role which side this JVM was
 * @param active active closes
 * @param passive passive closes
 * @param abortive resets
 * @param stack the close stack, innermost first
 * @param endpoints active closes per remote endpoint
 * @param openStack the open stack, innermost first
 * @param via the library the connections went through: Maven coordinates {@code
 *     group:artifact:version} where its jar has them ({@code org.postgresql:postgresql:42.7.4}), a
 *     JDK module ({@code java.net.http}), or null for the application's own use of the JDK's
 *     sockets and in files written before the agent recorded it
 * @param estimated how many of the row's closes are estimates: above the agent's {@code siteRate} a
 *     sampled close stands for the unsampled ones of its weight (0: every count is exact)
 */
public record SiteStats(
    String site,
    String openSite,
    Role role,
    long active,
    long passive,
    long abortive,
    List<String> stack,
    List<SiteEndpoint> endpoints,
    List<String> openStack,
    String via,
    long estimated) {

  /** Name of the row that adds up the sites past the agent's {@code maxSites}. */
  public static final String OTHER_SITES = "(other sites)";

  public SiteStats {
    role = role == null ? Role.UNKNOWN : role;
    stack = Snapshot.withoutNulls(stack);
    endpoints = Snapshot.withoutNulls(endpoints);
    openStack = Snapshot.withoutNulls(openStack);
  }

  /** A row whose counts are all exact. */
  public SiteStats(
      String site,
      String openSite,
      Role role,
      long active,
      long passive,
      long abortive,
      List<String> stack,
      List<SiteEndpoint> endpoints,
      List<String> openStack,
      String via) {
    this(site, openSite, role, active, passive, abortive, stack, endpoints, openStack, via, 0);
  }

  /** True when some of the row's counts are estimated from sampled stacks. */
  public boolean isEstimate() {
    return estimated > 0;
  }

  /** A row without the library it went through. */
  public SiteStats(
      String site,
      String openSite,
      Role role,
      long active,
      long passive,
      long abortive,
      List<String> stack,
      List<SiteEndpoint> endpoints,
      List<String> openStack) {
    this(site, openSite, role, active, passive, abortive, stack, endpoints, openStack, null);
  }

  /** A row without its open stack. */
  public SiteStats(
      String site,
      String openSite,
      Role role,
      long active,
      long passive,
      long abortive,
      List<String> stack,
      List<SiteEndpoint> endpoints) {
    this(site, openSite, role, active, passive, abortive, stack, endpoints, List.of(), null, 0);
  }
}
