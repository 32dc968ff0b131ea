package dev.timewait.core.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.linux.LinuxProcCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recording root keeps exactly the files the collector read, with the bytes it read. */
class HostRootRecordingTest {

  static final Path TREE = Path.of("src/test/resources/hostroot/linux-6.18");

  @TempDir Path dir;

  @Test
  void keepsWhatTheCollectorReadAndNothingElse() throws Exception {
    HostRoot root = HostRoot.recording(TREE);
    HostSample sample = new LinuxProcCollector(root).sampleTable();
    Map<String, byte[]> recorded = root.recorded();

    Set<String> inTree = new TreeSet<>();
    try (Stream<Path> files = Files.walk(TREE)) {
      files.filter(Files::isRegularFile).forEach(f -> inTree.add("/" + TREE.relativize(f)));
    }
    assertTrue(inTree.containsAll(recorded.keySet()), recorded.keySet().toString());
    for (Map.Entry<String, byte[]> file : recorded.entrySet()) {
      assertArrayEquals(
          Files.readAllBytes(root.resolve(file.getKey())), file.getValue(), file.getKey());
    }
    for (String read :
        new String[] {
          "/proc/net/tcp",
          "/proc/net/tcp6",
          "/proc/net/sockstat",
          "/proc/net/netstat",
          "/proc/sys/kernel/osrelease",
          "/proc/sys/net/ipv4/tcp_tw_reuse",
          "/etc/sysctl.conf",
          "/etc/sysctl.d/60-timewait.conf",
          "/etc/os-release"
        }) {
      assertTrue(recorded.containsKey(read), read + " in " + recorded.keySet());
    }
    // What the collector reads from the copy is what it read from the tree.
    Path copy = dir;
    for (Map.Entry<String, byte[]> file : recorded.entrySet()) {
      Path target = copy.resolve(file.getKey().substring(1));
      Files.createDirectories(target.getParent());
      Files.write(target, file.getValue());
    }
    HostSample again = new LinuxProcCollector(HostRoot.of(copy)).sampleTable();
    assertEquals(sample.settings(), again.settings());
    assertEquals(sample.sysctlFiles().size(), again.sysctlFiles().size());
    assertEquals(sample.timeWaitNow(), again.timeWaitNow());
    assertEquals(sample.counters(), again.counters());
  }

  @Test
  void anOrdinaryRootRecordsNothing() {
    HostRoot root = HostRoot.of(TREE);
    new LinuxProcCollector(root).sampleCounters();
    assertEquals(Map.of(), root.recorded());
  }
}
