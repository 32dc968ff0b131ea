package dev.timewait.analyzer.host;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streaming parser of {@code /proc/net/tcp} and {@code /proc/net/tcp6}. Reads through a reused byte
 * buffer and decodes the hex fields by hand: at 100k sockets the table is 15 MB of text, and this
 * keeps the scan close to the cost of reading the bytes.
 *
 * <p>Row format ({@code net/ipv4/tcp_ipv4.c}, {@code net/ipv6/tcp_ipv6.c}): {@code sl: local:port
 * remote:port st tx:rx tr:when retrnsmt uid timeout inode ...}. Addresses are 32-bit words printed
 * in the host's byte order (little-endian on x86 and arm64); ports are in natural order; {@code
 * when} is in USER_HZ ticks. Lines that do not fit the format are skipped and counted.
 */
public final class ProcNetTcpParser {

  /** Receives rows; the row object is reused, so copy what must outlive the call. */
  @FunctionalInterface
  public interface RowSink {
    /** Returns false to stop reading. */
    boolean accept(TcpRow row);
  }

  private static final int BUFFER_SIZE = 64 * 1024;

  private final boolean littleEndianWords;
  private final byte[] buffer;
  private final TcpRow row = new TcpRow();
  private int pos;

  /** A parser for tables written on a little-endian host. */
  public ProcNetTcpParser() {
    this(true);
  }

  /**
   * @param littleEndianWords whether the table was written on a little-endian host (x86, arm64)
   */
  public ProcNetTcpParser(boolean littleEndianWords) {
    this.littleEndianWords = littleEndianWords;
    this.buffer = new byte[BUFFER_SIZE];
  }

  /**
   * Reads every row of {@code in} into {@code sink} until the end or until the sink says stop. Not
   * thread-safe: use one parser per thread.
   *
   * @return the number of malformed lines skipped
   */
  public long parse(InputStream in, RowSink sink) throws IOException {
    long malformed = 0;
    int filled = 0;
    boolean skippingLongLine = false;
    while (true) {
      int read = in.read(buffer, filled, buffer.length - filled);
      if (read < 0) {
        break;
      }
      int scanFrom = filled; // the carried-over part holds no newline
      filled += read;
      int lineStart = 0;
      for (int i = scanFrom; i < filled; i++) {
        if (buffer[i] != '\n') {
          continue;
        }
        if (skippingLongLine) {
          skippingLongLine = false;
        } else {
          int result = parseLine(lineStart, i);
          if (result == LINE_MALFORMED) {
            malformed++;
          } else if (result == LINE_ROW && !sink.accept(row)) {
            return malformed;
          }
        }
        lineStart = i + 1;
      }
      if (lineStart == 0 && filled == buffer.length) {
        // a line longer than the buffer is not a table row
        malformed += skippingLongLine ? 0 : 1;
        skippingLongLine = true;
        filled = 0;
        continue;
      }
      System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
      filled -= lineStart;
    }
    if (filled > 0 && !skippingLongLine) {
      // last line without a newline: a truncated capture
      int result = parseLine(0, filled);
      if (result == LINE_MALFORMED) {
        malformed++;
      } else if (result == LINE_ROW) {
        sink.accept(row);
      }
    }
    return malformed;
  }

  private static final int LINE_ROW = 0;
  private static final int LINE_SKIP = 1;
  private static final int LINE_MALFORMED = 2;

  private int parseLine(int start, int end) {
    pos = start;
    skipSpaces(end);
    if (pos == end) {
      return LINE_SKIP; // blank line
    }
    if (buffer[pos] == 's') {
      return LINE_SKIP; // header: "  sl  local_address ..."
    }
    // "sl:"
    if (readDecimal(end) < 0 || pos >= end || buffer[pos] != ':') {
      return LINE_MALFORMED;
    }
    pos++;
    skipSpaces(end);
    if (!readEndpoint(end, row.local) || (row.localPort = readPort(end)) < 0) {
      return LINE_MALFORMED;
    }
    skipSpaces(end);
    if (!readEndpoint(end, row.remote) || (row.remotePort = readPort(end)) < 0) {
      return LINE_MALFORMED;
    }
    skipSpaces(end);
    long state = readHex(end, 2);
    if (state < 0 || !atSpace(end)) {
      return LINE_MALFORMED;
    }
    row.state = (int) state;
    skipSpaces(end);
    // tx_queue:rx_queue
    if (readHex(end, 8) < 0 || !expect(end, ':') || readHex(end, 8) < 0) {
      return LINE_MALFORMED;
    }
    skipSpaces(end);
    // tr:tm->when
    long timerActive = readHex(end, 2);
    if (timerActive < 0 || !expect(end, ':')) {
      return LINE_MALFORMED;
    }
    long when = readHex(end, 8);
    if (when < 0) {
      return LINE_MALFORMED;
    }
    row.timerTicks = timerActive == 0 ? TcpRow.NO_TIMER : when;
    return LINE_ROW;
  }

  /** Reads a hex address of 8 (IPv4) or 32 (IPv6) digits followed by ':' into four words. */
  private boolean readEndpoint(int end, int[] words) {
    int start = pos;
    int colon = start;
    while (colon < end && buffer[colon] != ':') {
      colon++;
    }
    int digits = colon - start;
    if (colon == end || (digits != 8 && digits != 32)) {
      return false;
    }
    if (digits == 8) {
      long word = readHex(end, 8);
      if (word < 0) {
        return false;
      }
      TcpRow.setIpv4(words, toNetworkOrder((int) word));
    } else {
      for (int i = 0; i < 4; i++) {
        long word = readHex(end, 8);
        if (word < 0) {
          return false;
        }
        words[i] = toNetworkOrder((int) word);
      }
    }
    pos++; // ':'
    return true;
  }

  private int toNetworkOrder(int word) {
    return littleEndianWords ? Integer.reverseBytes(word) : word;
  }

  private int readPort(int end) {
    long port = readHex(end, 4);
    return port >= 0 && atSpace(end) ? (int) port : -1;
  }

  /** Reads exactly {@code digits} hex digits, or returns -1. */
  private long readHex(int end, int digits) {
    if (end - pos < digits) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits; i++) {
      int digit = hexValue(buffer[pos++]);
      if (digit < 0) {
        return -1;
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private long readDecimal(int end) {
    int start = pos;
    long value = 0;
    while (pos < end && buffer[pos] >= '0' && buffer[pos] <= '9' && pos - start < 18) {
      value = value * 10 + (buffer[pos++] - '0');
    }
    return pos == start ? -1 : value;
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    return -1;
  }

  private boolean expect(int end, char c) {
    if (pos < end && buffer[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private boolean atSpace(int end) {
    return pos < end && (buffer[pos] == ' ' || buffer[pos] == '\t');
  }

  private void skipSpaces(int end) {
    while (pos < end && (buffer[pos] == ' ' || buffer[pos] == '\t' || buffer[pos] == '\r')) {
      pos++;
    }
  }
}
