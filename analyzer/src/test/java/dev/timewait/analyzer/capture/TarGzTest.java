package dev.timewait.analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive format: a round trip, long names, and the entries extraction refuses. */
class TarGzTest {

  @TempDir Path dir;

  @Test
  void roundTripWithALongNameAndAnEmptyFile() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("proc/net/tcp", "  sl  local_address\n".getBytes(StandardCharsets.UTF_8));
    files.put("proc/sys/net/ipv4/ip_local_reserved_ports", new byte[0]);
    String longName = "etc/sysctl.d/" + "x".repeat(90) + "/" + "y".repeat(80) + ".conf";
    files.put(longName, new byte[1500]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarGz.write(out, files, 1_767_225_600L);

    List<String> paths = TarGz.extract(new ByteArrayInputStream(out.toByteArray()), dir);
    assertEquals(List.copyOf(files.keySet()), paths);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      assertArrayEquals(file.getValue(), Files.readAllBytes(dir.resolve(file.getKey())));
    }
  }

  @Test
  void refusesPathsOutsideTheFolder() throws Exception {
    for (String evil : new String[] {"../evil", "/etc/evil", "proc/../../evil"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TarGz.write(out, Map.of(evil, new byte[] {1}), 0);
      IOException e =
          assertThrows(
              IOException.class,
              () -> TarGz.extract(new ByteArrayInputStream(out.toByteArray()), dir));
      assertTrue(e.getMessage().contains("unsafe path"), e.getMessage());
    }
    assertFalse(Files.exists(dir.getParent().resolve("evil")));
  }

  @Test
  void refusesWhatIsNotAGzippedTar() {
    assertThrows(
        IOException.class, () -> TarGz.extract(new ByteArrayInputStream("text".getBytes()), dir));
  }
}
