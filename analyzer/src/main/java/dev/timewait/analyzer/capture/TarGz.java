package dev.timewait.analyzer.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Gzipped tar archives of regular files, as {@code tar czf} and {@code tar xzf} read and write
 * them: POSIX ustar headers on writing; on reading also GNU long names and PAX {@code path}
 * records. Directories are implied by the file paths; links, devices and the like are refused.
 */
public final class TarGz {

  private static final int BLOCK = 512;

  /** Reading stops past this many bytes of file content, or this many entries. */
  static final long MAX_TOTAL_BYTES = 1L << 30;

  static final int MAX_ENTRIES = 100_000;

  private static final int MAX_HEADER_BYTES = 1 << 20;

  private TarGz() {}

  /** Writes {@code files} (relative path to content) as a gzipped tar to {@code out}. */
  public static void write(OutputStream out, Map<String, byte[]> files, long mtimeSeconds)
      throws IOException {
    GZIPOutputStream gzip = new GZIPOutputStream(out);
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      gzip.write(header(file.getKey(), file.getValue().length, mtimeSeconds));
      gzip.write(file.getValue());
      int pad = (BLOCK - file.getValue().length % BLOCK) % BLOCK;
      gzip.write(new byte[pad]);
    }
    gzip.write(new byte[2 * BLOCK]);
    gzip.finish();
    gzip.flush();
  }

  /**
   * Extracts the regular files of a gzipped tar under {@code dir} and returns their relative paths
   * in archive order. Refuses absolute paths, {@code ..}, links and special files, and archives
   * past the size limits.
   */
  public static List<String> extract(InputStream in, Path dir) throws IOException {
    InputStream tar = new GZIPInputStream(in);
    List<String> files = new ArrayList<>();
    String longName = null;
    long total = 0;
    while (true) {
      byte[] header = tar.readNBytes(BLOCK);
      if (header.length < BLOCK) {
        throw new EOFException("the archive ends inside a header");
      }
      if (isZero(header)) {
        return files;
      }
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      total += size;
      if (total > MAX_TOTAL_BYTES || files.size() >= MAX_ENTRIES) {
        throw new IOException("the archive is larger than a host capture can be");
      }
      String name = longName != null ? longName : name(header);
      longName = null;
      switch (type) {
        case 'L' -> longName = text(readContent(tar, size));
        case 'x' -> longName = paxPath(readContent(tar, size));
        case 'g', '5' -> readContent(tar, size); // a global PAX header or a directory
        case '0', '\0', '7' -> {
          String path = checked(name);
          Path target = dir.resolve(path).normalize();
          if (!target.startsWith(dir)) {
            throw new IOException("the archive holds an unsafe path: " + name);
          }
          Files.createDirectories(target.getParent());
          try (OutputStream out = Files.newOutputStream(target)) {
            copy(tar, out, size);
          }
          skipPadding(tar, size);
          files.add(path);
        }
        default -> throw new IOException("the archive holds a link or special file: " + name);
      }
    }
  }

  private static byte[] readContent(InputStream tar, long size) throws IOException {
    if (size > MAX_HEADER_BYTES) {
      throw new IOException("not a host capture: an extended header of " + size + " bytes");
    }
    byte[] content = tar.readNBytes((int) size);
    if (content.length < size) {
      throw new EOFException("the archive ends inside a file");
    }
    skipPadding(tar, size);
    return content;
  }

  private static void copy(InputStream tar, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = tar.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new EOFException("the archive ends inside a file");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void skipPadding(InputStream tar, long size) throws IOException {
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    if (tar.readNBytes(pad).length < pad) {
      throw new EOFException("the archive ends inside a file");
    }
  }

  /** A relative path without {@code ..}: what a private extraction directory may hold. */
  static String checked(String name) throws IOException {
    String path = name.startsWith("./") ? name.substring(2) : name;
    if (path.isEmpty()
        || path.startsWith("/")
        || path.contains("\\")
        || Arrays.asList(path.split("/")).contains("..")) {
      throw new IOException("the archive holds an unsafe path: " + name);
    }
    return path;
  }

  private static byte[] header(String name, long size, long mtime) throws IOException {
    byte[] h = new byte[BLOCK];
    byte[] full = name.getBytes(StandardCharsets.UTF_8);
    if (full.length > 100) {
      int slash = name.lastIndexOf('/', Math.min(name.length() - 1, 155));
      byte[] prefix = slash < 0 ? full : name.substring(0, slash).getBytes(StandardCharsets.UTF_8);
      byte[] rest = slash < 0 ? full : name.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
      if (slash < 0 || prefix.length > 155 || rest.length > 100) {
        throw new IOException("path too long for a tar header: " + name);
      }
      System.arraycopy(prefix, 0, h, 345, prefix.length);
      full = rest;
    }
    System.arraycopy(full, 0, h, 0, full.length);
    putOctal(h, 100, 8, 0644);
    putOctal(h, 108, 8, 0);
    putOctal(h, 116, 8, 0);
    putOctal(h, 124, 12, size);
    putOctal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, h, 148, 8);
    return h;
  }

  private static void putOctal(byte[] h, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
    byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, h, offset, length - 1);
  }

  private static long octal(byte[] h, int offset, int length) throws IOException {
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      int c = h[i] & 0xff;
      if (c == 0 || c == ' ') {
        if (value > 0) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IOException("not a tar archive (bad number in a header)");
      }
      value = value * 8 + (c - '0');
    }
    return value;
  }

  private static String name(byte[] h) {
    String name = field(h, 0, 100);
    boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar ? field(h, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String field(byte[] h, int offset, int length) {
    int end = offset;
    while (end < offset + length && h[end] != 0) {
      end++;
    }
    return new String(h, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String text(byte[] content) {
    int end = content.length;
    while (end > 0 && content[end - 1] == 0) {
      end--;
    }
    return new String(content, 0, end, StandardCharsets.UTF_8);
  }

  /** The {@code path} record of a PAX extended header ({@code "LEN path=VALUE\n"} records). */
  private static String paxPath(byte[] content) {
    String records = new String(content, StandardCharsets.UTF_8);
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space > 0 && record.startsWith("path=", space + 1)) {
        return record.substring(space + 6);
      }
    }
    return null;
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
