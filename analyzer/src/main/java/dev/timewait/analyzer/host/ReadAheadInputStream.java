package dev.timewait.analyzer.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a helper thread, a few chunks ahead of the consumer. On {@code /proc/net/tcp}
 * the kernel spends most of the time formatting rows inside {@code read()}; reading ahead lets it
 * format the next chunk while the parser works on the current one, so a table sample costs about
 * what the read alone costs when a second CPU is free. Memory is bounded by the chunks in flight.
 */
final class ReadAheadInputStream extends InputStream {

  private record Chunk(byte[] data, int length, IOException error) {}

  private static final Chunk END = new Chunk(new byte[0], -1, null);

  private final InputStream source;
  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Chunk> filled;
  private final Thread reader;
  private Chunk current;
  private int offset;
  private boolean ended;

  ReadAheadInputStream(InputStream source, int chunkSize, int chunks) {
    this.source = source;
    this.free = new ArrayBlockingQueue<>(chunks);
    this.filled = new ArrayBlockingQueue<>(chunks + 1);
    for (int i = 0; i < chunks; i++) {
      free.add(new byte[chunkSize]);
    }
    this.reader = new Thread(this::readAhead, "timewait-proc-read-ahead");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAhead() {
    try {
      while (true) {
        byte[] buffer = free.take();
        int length;
        try {
          length = source.read(buffer, 0, buffer.length);
        } catch (IOException e) {
          filled.put(new Chunk(buffer, -1, e));
          return;
        }
        if (length < 0) {
          filled.put(END);
          return;
        }
        filled.put(new Chunk(buffer, length, null));
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    }
  }

  @Override
  public int read(byte[] target, int targetOffset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (current == null || offset >= current.length()) {
      if (ended) {
        return -1;
      }
      if (current != null) {
        free.add(current.data());
      }
      try {
        current = filled.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      offset = 0;
      if (current.error() != null) {
        ended = true;
        throw current.error();
      }
      if (current.length() < 0) {
        ended = true;
        current = null;
        return -1;
      }
    }
    int count = Math.min(length, current.length() - offset);
    System.arraycopy(current.data(), offset, target, targetOffset, count);
    offset += count;
    return count;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public void close() throws IOException {
    reader.interrupt();
    try {
      reader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
