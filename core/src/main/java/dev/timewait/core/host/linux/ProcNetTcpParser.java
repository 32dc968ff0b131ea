package dev.timewait.core.host.linux;

import dev.timewait.core.host.TcpRow;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

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

  /** As large as {@code cat}'s: the kernel formats as many rows per read as the buffer takes. */
  private static final int BUFFER_SIZE = 128 * 1024;

  /** More than the longest row head (sl, addresses, state, queues, timer) of an IPv6 row. */
  private static final int LOOKAHEAD = 512;

  private final boolean littleEndianWords;
  private final boolean readInodes;
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
    this(littleEndianWords, false);
  }

  /**
   * @param littleEndianWords whether the table was written on a little-endian host (x86, arm64)
   * @param readInodes whether to read each row's inode into {@link TcpRow#inode} too (the socket
   *     owners need it; the plain table scan does not pay for it)
   */
  public ProcNetTcpParser(boolean littleEndianWords, boolean readInodes) {
    this.littleEndianWords = littleEndianWords;
    this.readInodes = readInodes;
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
    int lineStart = 0;
    boolean eof = false;
    while (true) {
      if (!eof && filled - lineStart < LOOKAHEAD) {
        // keep a whole row head in the buffer, so fields never straddle a refill
        System.arraycopy(buffer, lineStart, buffer, 0, filled - lineStart);
        filled -= lineStart;
        lineStart = 0;
        while (!eof && filled < LOOKAHEAD) {
          int read = in.read(buffer, filled, buffer.length - filled);
          if (read < 0) {
            eof = true;
          } else {
            filled += read;
          }
        }
      }
      if (lineStart >= filled) {
        return malformed;
      }
      // Fields are parsed straight from the buffer; no field accepts '\n', so a short line fails
      // at its end instead of running into the next one. Only the tail is scanned for the newline.
      int result = parseLine(lineStart, filled);
      if (result == LINE_MALFORMED) {
        malformed++;
      } else if (result == LINE_ROW && !sink.accept(row)) {
        return malformed;
      }
      int newline = indexOfNewline(Math.max(pos, lineStart), filled);
      if (newline >= 0) {
        lineStart = newline + 1;
        continue;
      }
      if (eof) {
        return malformed; // last line without a newline: a truncated capture, already counted
      }
      // a line longer than the buffer: drop it up to its newline
      filled = 0;
      lineStart = 0;
      while (newline < 0 && !eof) {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
          eof = true;
        } else {
          filled = read;
          newline = indexOfNewline(0, filled);
        }
      }
      lineStart = newline < 0 ? filled : newline + 1;
    }
  }

  /** Finds the next newline eight bytes at a time (the rest of a row is about 50 bytes). */
  private int indexOfNewline(int from, int end) {
    int i = from;
    for (; i + Long.BYTES <= end; i += Long.BYTES) {
      long word = (long) LONGS.get(buffer, i) ^ NEWLINES;
      long zeroBytes = (word - ONES) & ~word & HIGH_BITS;
      if (zeroBytes != 0) {
        return i + (Long.numberOfTrailingZeros(zeroBytes) >>> 3);
      }
    }
    for (; i < end; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** The first 24 hex digits of an IPv4-mapped address as a little-endian host prints them. */
  private static final byte[] MAPPED_PREFIX =
      "0000000000000000FFFF0000".getBytes(StandardCharsets.US_ASCII);

  private static final long MAPPED_PREFIX_0 = (long) LONGS.get(MAPPED_PREFIX, 0);
  private static final long MAPPED_PREFIX_1 = (long) LONGS.get(MAPPED_PREFIX, 8);
  private static final long MAPPED_PREFIX_2 = (long) LONGS.get(MAPPED_PREFIX, 16);

  private static final int LINE_ROW = 0;
  private static final int LINE_SKIP = 1;
  private static final int LINE_MALFORMED = 2;

  private int parseLine(int start, int end) {
    pos = start;
    skipSpaces(end);
    if (pos == end || buffer[pos] == '\n') {
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
    // tx_queue:rx_queue, unused: only their shape is checked
    if (end - pos < 18 || buffer[pos + 8] != ':' || buffer[pos + 17] != ' ') {
      return LINE_MALFORMED;
    }
    pos += 17;
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
    row.inode = readInodes ? readInode(end) : 0;
    return LINE_ROW;
  }

  /** After the timer: {@code retrnsmt uid timeout inode}; 0 when they do not fit that shape. */
  private long readInode(int end) {
    skipSpaces(end);
    if (readHex(end, 8) < 0 || !atSpace(end)) {
      return 0;
    }
    for (int field = 0; field < 3; field++) {
      skipSpaces(end);
      long value = readDecimal(end);
      if (value < 0) {
        return 0;
      }
      if (field == 2) {
        return value;
      }
    }
    return 0;
  }

  /** Reads a hex address of 8 (IPv4) or 32 (IPv6) digits followed by ':' into four words. */
  private boolean readEndpoint(int end, int[] words) {
    // the ':' sits after 8 (IPv4) or 32 (IPv6) digits; the digits are checked as they are read
    int digits;
    if (end - pos > 8 && buffer[pos + 8] == ':') {
      digits = 8;
    } else if (end - pos > 32 && buffer[pos + 32] == ':') {
      digits = 32;
    } else {
      return false;
    }
    if (digits == 8) {
      long word = readHex(end, 8);
      if (word < 0) {
        return false;
      }
      TcpRow.setIpv4(words, toNetworkOrder((int) word));
    } else if (littleEndianWords
        && (long) LONGS.get(buffer, pos) == MAPPED_PREFIX_0
        && (long) LONGS.get(buffer, pos + 8) == MAPPED_PREFIX_1
        && (long) LONGS.get(buffer, pos + 16) == MAPPED_PREFIX_2) {
      // ::ffff:a.b.c.d, how a dual-stack Java socket's IPv4 connections appear in tcp6
      pos += 24;
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
      int digit = hexValue(buffer[pos]);
      if (digit < 0) {
        return -1; // pos stays on the offending byte, which may be the line's newline
      }
      pos++;
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
    return HEX_VALUES[b & 0xff];
  }

  /** Value of each byte as a hex digit, -1 for other bytes. */
  private static final byte[] HEX_VALUES = new byte[256];

  static {
    java.util.Arrays.fill(HEX_VALUES, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX_VALUES['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX_VALUES['A' + i] = (byte) (10 + i);
      HEX_VALUES['a' + i] = (byte) (10 + i);
    }
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
