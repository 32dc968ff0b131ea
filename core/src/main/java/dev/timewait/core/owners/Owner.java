package dev.timewait.core.owners;

/**
 * The TIME_WAIT sockets of one network namespace that one owner holds.
 *
 * @param kind how the owner is named
 * @param pid its process, or null for {@link OwnerKind#UNKNOWN} (or a JVM whose pid is unknown)
 * @param name the process name ({@code comm}) or, for a JVM site, the JVM's label; null when
 *     unknown
 * @param site for a JVM site, the frame that closed; else null
 * @param timeWait its TIME_WAIT sockets in the namespace
 * @param share {@code timeWait} over the namespace's TIME_WAIT sockets, 0..1
 * @param exact true when every one was matched by 4-tuple, false for an estimate
 * @param netns the inode of the network namespace, or null when it could not be read
 * @param evidence how it was known, one line
 */
public record Owner(
    OwnerKind kind,
    Long pid,
    String name,
    String site,
    long timeWait,
    double share,
    boolean exact,
    Long netns,
    String evidence) {}
