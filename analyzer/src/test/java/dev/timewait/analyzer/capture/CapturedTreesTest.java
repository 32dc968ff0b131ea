package dev.timewait.analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Finding;
import dev.timewait.core.rules.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Host trees captured from the live-kernel experiments ({@code LiveKernelIT} with {@code
 * -Dtimewait.captureTrees=DIR}: {@code timewait capture} inside each experiment's namespace, on
 * this machine's 6.18 kernel), replayed as they were and with only their kernel-specific parts
 * edited for kernels that cannot run here: 3.10 with {@code tcp_tw_recycle} on, 4.12 (recycle gone,
 * {@code tcp_tw_reuse} still a plain switch) and 6.14 (the first with {@code tcp_tw_reuse_delay}).
 * Each gives the findings that kernel calls for, from the same tables.
 */
class CapturedTreesTest {

  @TempDir Path dir;

  /** How a kernel differs in the files a report reads. */
  enum Kernel {
    /** As captured. */
    CAPTURED(null, null, true),
    /** tcp_tw_recycle exists and is on; no reuse delay. */
    V3_10("3.10.0-1160.el7.x86_64", "1", false),
    /** tcp_tw_recycle is gone; no reuse delay. */
    V4_12("4.12.14-1-default", null, false),
    /** The reuse delay exists. */
    V6_14("6.14.0-15-generic", null, true);

    final String release;
    final String recycle;
    final boolean reuseDelay;

    Kernel(String release, String recycle, boolean reuseDelay) {
      this.release = release;
      this.recycle = recycle;
      this.reuseDelay = reuseDelay;
    }
  }

  static Stream<Arguments> cases() {
    Set<String> runsOut = Set.of("PORT_EXHAUSTION_RISK", "TW_REUSE_RECOMMENDED");
    return Stream.of(
        // tcp_tw_reuse 0 and 1,000 ports, churned: the range runs out on every kernel, and reuse
        // would help
        Arguments.of("noReuse", Kernel.CAPTURED, runsOut),
        Arguments.of("noReuse", Kernel.V3_10, with(runsOut, "TW_RECYCLE_ENABLED")),
        Arguments.of("noReuse", Kernel.V4_12, runsOut),
        Arguments.of("noReuse", Kernel.V6_14, runsOut),
        // tcp_tw_reuse 2: loopback only from 4.18, so the veth destination runs out; before 4.18
        // any non-zero value covered every destination, and nothing runs out (on 3.10 the veth's
        // private address counts as a sign of NAT against tcp_tw_recycle)
        Arguments.of("reuseTwo", Kernel.CAPTURED, runsOut),
        Arguments.of("reuseTwo", Kernel.V3_10, Set.of("TW_RECYCLE_NAT")),
        Arguments.of("reuseTwo", Kernel.V4_12, Set.of()),
        Arguments.of("reuseTwo", Kernel.V6_14, runsOut),
        // timestamps off: reuse 1 takes over nothing, the range runs out, on every kernel
        Arguments.of(
            "timestampsOff",
            Kernel.CAPTURED,
            Set.of("PORT_EXHAUSTION_RISK", "TIMESTAMPS_DISABLED")),
        Arguments.of(
            "timestampsOff", Kernel.V4_12, Set.of("PORT_EXHAUSTION_RISK", "TIMESTAMPS_DISABLED")),
        // the translator of the NAT experiment: NAT seen; with recycle on, a critical finding
        Arguments.of("nat", Kernel.CAPTURED, Set.of("NAT_DETECTED")),
        Arguments.of("nat", Kernel.V3_10, Set.of("NAT_DETECTED", "TW_RECYCLE_NAT")),
        Arguments.of("nat", Kernel.V4_12, Set.of("NAT_DETECTED")),
        // the server's namespace after its listener has gone: its TIME_WAIT is still server-side
        Arguments.of("serverClosesFirst", Kernel.CAPTURED, Set.of("SERVER_ACTIVE_CLOSE")),
        Arguments.of("serverClosesFirst", Kernel.V4_12, Set.of("SERVER_ACTIVE_CLOSE")),
        // a table at its tcp_max_tw_buckets cap, read once: full now
        Arguments.of("twBucketsOverflow", Kernel.CAPTURED, Set.of("TW_BUCKETS_OVERFLOW")),
        Arguments.of("twBucketsOverflow", Kernel.V6_14, Set.of("TW_BUCKETS_OVERFLOW")));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void aCapturedTreeGivesTheFindingsOfItsKernel(String capture, Kernel kernel, Set<String> ids)
      throws Exception {
    try (CapturedHost host = CapturedHost.open(archive(capture))) {
      Path tree = edit(host.root(), kernel);
      List<Finding> findings =
          Analyzer.standard()
              .analyze(
                  AnalysisInput.ofHost(
                      new LinuxProcCollector(HostRoot.of(tree)).sampleTable(),
                      Thresholds.defaults()));
      Set<String> found = new TreeSet<>();
      for (Finding finding : findings) {
        if (!finding.id().equals("HEALTHY")) {
          found.add(finding.id());
        }
      }
      assertEquals(new TreeSet<>(ids), found, capture + " on " + kernel + ": " + findings);
      for (Finding finding : findings) {
        if (finding.id().equals("PORT_EXHAUSTION_RISK")
            && finding.recommendation().contains("Let connect() reuse")) {
          // tcp_tw_reuse_delay can be lowered only where it exists
          assertEquals(
              kernel.reuseDelay,
              finding.recommendation().contains("tcp_tw_reuse_delay"),
              finding.recommendation());
        }
      }
    }
  }

  private static Path archive(String name) {
    return Path.of("src", "test", "resources", "captured", name + ".tar.gz");
  }

  /** Edits only the kernel's release, its tcp_tw_recycle and its tcp_tw_reuse_delay files. */
  private static Path edit(Path tree, Kernel kernel) throws IOException {
    if (kernel == Kernel.CAPTURED) {
      return tree;
    }
    Path ipv4 = tree.resolve("proc/sys/net/ipv4");
    Files.writeString(tree.resolve("proc/sys/kernel/osrelease"), kernel.release + "\n");
    Path recycle = ipv4.resolve("tcp_tw_recycle");
    if (kernel.recycle == null) {
      Files.deleteIfExists(recycle);
    } else {
      Files.writeString(recycle, kernel.recycle + "\n");
    }
    if (!kernel.reuseDelay) {
      Files.deleteIfExists(ipv4.resolve("tcp_tw_reuse_delay"));
    } else if (!Files.exists(ipv4.resolve("tcp_tw_reuse_delay"))) {
      Files.writeString(ipv4.resolve("tcp_tw_reuse_delay"), "1000\n");
    }
    return tree;
  }

  private static Set<String> with(Set<String> ids, String id) {
    Set<String> all = new TreeSet<>(ids);
    all.add(id);
    return all;
  }
}
