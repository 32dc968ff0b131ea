package dev.timewait.agent.internal.jmx;

/**
 * One code site row: close site, open site and role. As an MXBean map key it becomes a composite
 * index, which the Prometheus JMX exporter turns into the labels {@code key_site}, {@code
 * key_openSite}, {@code key_role} and {@code key_via}.
 */
public final class SiteKey {
  private final String site;
  private final String openSite;
  private final String role;
  private final String via;

  public SiteKey(String site, String openSite, String role, String via) {
    this.site = site;
    this.openSite = openSite;
    this.role = role;
    this.via = via;
  }

  /** The first application frame of the closing thread. */
  public String getSite() {
    return site;
  }

  /** The first application frame of the thread that connected or accepted. */
  public String getOpenSite() {
    return openSite;
  }

  /** {@code client}, {@code server} or {@code unknown}. */
  public String getRole() {
    return role;
  }

  /**
   * The library the connections went through ({@code org.postgresql:postgresql:42.7.4}, {@code
   * java.net.http}), or {@code -} for the application's own use of the JDK's sockets.
   */
  public String getVia() {
    return via;
  }
}
