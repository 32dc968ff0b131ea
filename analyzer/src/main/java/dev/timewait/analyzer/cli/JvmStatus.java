package dev.timewait.analyzer.cli;

import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One JVM as {@code timewait jvms} lists it: its JDK, whether the agent runs and its active closes
 * a minute; or why it could not be read. Only a JVM that has the agent's jar open is attached to.
 *
 * @param pid pid on this host
 * @param nsPid pid in its own namespace
 * @param user its user
 * @param main main class, jar or module
 * @param javaVersion {@code java.version}, or null when unknown
 * @param agent whether the agent runs, null when unknown
 * @param agentOptions the running agent's options, or null
 * @param activeClosesPerMinute from the agent's snapshot, or null
 * @param problem why it could not be read, or null
 */
record JvmStatus(
    long pid,
    long nsPid,
    String user,
    String main,
    String javaVersion,
    Boolean agent,
    String agentOptions,
    Double activeClosesPerMinute,
    String problem) {

  /** Reads {@code jvm}; a JVM that cannot be read gives a status with the reason. */
  static JvmStatus read(HostJvms.Found jvm) {
    String version = HostJvms.runtimeVersion(jvm.pid());
    long self = JvmConnection.ProcStatus.selfUid();
    if (self != 0 && jvm.uid() >= 0 && jvm.uid() != self) {
      return failed(
          jvm, version, "run by " + jvm.user() + ": only that user or root may attach to it");
    }
    if (!HostJvms.hasAgentJar(jvm.pid())) {
      // no attach at all: a JVM without the agent is not disturbed
      return new JvmStatus(
          jvm.pid(), jvm.nsPid(), jvm.user(), jvm.main(), version, false, null, null, null);
    }
    try (JvmConnection connection = JvmConnection.attach(jvm.pid())) {
      String reported = connection.systemProperties().getProperty("java.version");
      version = reported == null ? version : reported;
      Map<String, String> options = connection.agentOptions();
      if (options == null) {
        return new JvmStatus(
            jvm.pid(), jvm.nsPid(), jvm.user(), jvm.main(), version, false, null, null, null);
      }
      String json = connection.snapshotJson();
      Snapshot snapshot = new SnapshotReader().read(json, "pid " + jvm.pid());
      return new JvmStatus(
          jvm.pid(),
          jvm.nsPid(),
          jvm.user(),
          jvm.main(),
          version,
          true,
          String.join(",", AttachCommand.pairs(options)),
          activePerMinute(snapshot),
          null);
    } catch (CliException | SnapshotException e) {
      return failed(jvm, version, Main.firstLine(e.getMessage()));
    }
  }

  private static JvmStatus failed(HostJvms.Found jvm, String version, String why) {
    return new JvmStatus(
        jvm.pid(), jvm.nsPid(), jvm.user(), jvm.main(), version, null, null, null, why);
  }

  /**
   * Active closes in the minute before the snapshot, from its ring of recent closes (what the ring
   * could not hold is added in proportion); an agent that recorded none there gives its average
   * since it started.
   */
  static double activePerMinute(Snapshot snapshot) {
    Instant end = snapshot.takenAt();
    if (end != null && !snapshot.recentActiveCloses().isEmpty()) {
      Instant start = end.minusSeconds(60);
      long inMinute = 0;
      for (RecentClose close : snapshot.recentActiveCloses()) {
        if (close.at() != null && close.at().isAfter(start) && !close.at().isAfter(end)) {
          inMinute++;
        }
      }
      long recorded = snapshot.recentActiveCloses().size();
      long overflow = snapshot.overflow().recentActiveCloses();
      return inMinute * (double) (recorded + overflow) / recorded;
    }
    if (end == null || snapshot.startedAt() == null) {
      return 0;
    }
    double minutes = Duration.between(snapshot.startedAt(), end).toMillis() / 60_000.0;
    return minutes > 0 ? snapshot.totals().active() / minutes : 0;
  }
}
