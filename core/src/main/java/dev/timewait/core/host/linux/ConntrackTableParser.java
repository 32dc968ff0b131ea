package dev.timewait.core.host.linux;

import dev.timewait.core.host.ConntrackEntries;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads {@code /proc/net/nf_conntrack}: one entry a line, the original tuple then the reply tuple
 * ({@code ipv4 2 tcp 6 117 TIME_WAIT src=10.0.1.2 dst=10.0.2.2 sport=40000 dport=80 src=10.0.2.2
 * dst=10.0.2.1 sport=80 dport=40000 [ASSURED] ...}). An entry translates when its reply tuple is
 * not the original reversed. Reading stops after a bound: the kernel formats every line on read,
 * and a NAT node can hold hundreds of thousands.
 */
public final class ConntrackTableParser {

  private ConntrackTableParser() {}

  /** Parses at most {@code maxEntries} lines; odd lines are skipped. */
  public static ConntrackEntries parse(InputStream in, int maxEntries) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    long read = 0;
    long translated = 0;
    long timeWait = 0;
    String example = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (read == maxEntries) {
        return new ConntrackEntries(read, translated, timeWait, true, example);
      }
      String[] words = line.trim().split("\\s+");
      String[] original = new String[4];
      String[] reply = new String[4];
      for (String word : words) {
        int field = field(word);
        if (field < 0) {
          continue;
        }
        String value = word.substring(word.indexOf('=') + 1);
        if (original[field] == null) {
          original[field] = value;
        } else if (reply[field] == null) {
          reply[field] = value;
        }
      }
      if (original[0] == null || original[1] == null || reply[0] == null || reply[1] == null) {
        continue; // not an entry line
      }
      read++;
      if (words.length > 5 && words[2].equals("tcp") && words[5].equals("TIME_WAIT")) {
        timeWait++;
      }
      boolean same =
          reply[0].equals(original[1])
              && reply[1].equals(original[0])
              && String.valueOf(reply[2]).equals(String.valueOf(original[3]))
              && String.valueOf(reply[3]).equals(String.valueOf(original[2]));
      if (!same) {
        translated++;
        if (example == null) {
          example =
              endpoint(original[0], original[2])
                  + " -> "
                  + endpoint(original[1], original[3])
                  + ", seen by "
                  + reply[0]
                  + " as from "
                  + endpoint(reply[1], reply[3]);
        }
      }
    }
    return new ConntrackEntries(read, translated, timeWait, false, example);
  }

  private static String endpoint(String ip, String port) {
    return port == null ? ip : ip + ":" + port;
  }

  /** 0 src, 1 dst, 2 sport, 3 dport, or -1. */
  private static int field(String word) {
    if (word.startsWith("src=")) {
      return 0;
    }
    if (word.startsWith("dst=")) {
      return 1;
    }
    if (word.startsWith("sport=")) {
      return 2;
    }
    if (word.startsWith("dport=")) {
      return 3;
    }
    return -1;
  }
}
