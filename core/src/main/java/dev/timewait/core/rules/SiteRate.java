package dev.timewait.core.rules;

import dev.timewait.core.snapshot.SiteStats;

/**
 * How fast one agent site closes connections.
 *
 * @param jvm which JVM, e.g. {@code web-1 pid 123 (com.example.Main)}
 * @param site the site's row in the snapshot
 * @param activePerMinute active closes per minute
 * @param basis how the rate was measured, for the evidence
 */
public record SiteRate(String jvm, SiteStats site, double activePerMinute, String basis) {}
