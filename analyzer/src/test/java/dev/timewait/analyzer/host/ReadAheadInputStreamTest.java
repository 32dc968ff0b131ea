package dev.timewait.analyzer.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {

  @Test
  void deliversTheSameBytesInOrder() throws IOException {
    byte[] data = new byte[1_000_003];
    new Random(7).nextBytes(data);
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), 4096, 3)) {
      byte[] buffer = new byte[1000]; // smaller than a chunk, so chunks are split across reads
      int read;
      while ((read = in.read(buffer)) >= 0) {
        copy.write(buffer, 0, read);
      }
      assertEquals(-1, in.read());
    }
    assertArrayEquals(data, copy.toByteArray());
  }

  @Test
  void closingEarlyStopsTheHelperThread() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          InputStream endless =
              new InputStream() {
                @Override
                public int read() {
                  return 'x';
                }
              };
          InputStream in = new ReadAheadInputStream(endless, 64, 2);
          in.read(new byte[10]);
          in.close();
        });
  }

  @Test
  void passesOnReadErrors() {
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk gone");
          }
        };
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (InputStream in = new ReadAheadInputStream(failing, 64, 2)) {
                in.read(new byte[10]);
              }
            });
    assertEquals("disk gone", e.getMessage());
  }

  @Test
  void collectorGivesTheSameTableWithAndWithoutReadAhead() {
    HostRoot root = HostRoot.of(Fixtures.path(Fixtures.LINUX_TREE));

    assertEquals(
        new LinuxProcCollector(root, false).sampleTable().table(),
        new LinuxProcCollector(root, true).sampleTable().table());
  }
}
