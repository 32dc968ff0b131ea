/**
 * Samples what the kernel knows about TCP TIME_WAIT on a host: settings, counters and the
 * connection table.
 *
 * <p>Convention for every record in this package: a boxed or object field that is {@code null}
 * means "unknown" (the file was missing, the platform cannot give it, or the value did not parse);
 * the sample's {@link dev.timewait.core.host.HostSample#unavailable()} list says why. Primitive
 * fields are always known.
 */
package dev.timewait.core.host;
