package dev.timewait.core.snapshot;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.json.JsonParser;
import dev.timewait.core.json.JsonSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the agent's snapshot ({@code timewait.snapshot/1}) from a file or a string (the JMX {@code
 * SnapshotJson} attribute): the one reader of what {@link SnapshotWriter} writes. Unknown fields
 * are ignored, unknown roles read as {@link Role#UNKNOWN}, input past a size limit is refused.
 * Every failure is a {@link SnapshotException} with a one-line message naming the source.
 * Thread-safe.
 */
public final class SnapshotReader {

  /** Default size limit: far above what the agent's bounded tables can write. */
  public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

  private final int maxBytes;

  public SnapshotReader() {
    this(DEFAULT_MAX_BYTES);
  }

  /** A reader refusing input larger than {@code maxBytes}. */
  public SnapshotReader(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Reads a snapshot file. */
  public Snapshot read(Path file) throws SnapshotException {
    String source = "snapshot " + file;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (NoSuchFileException e) {
      throw new SnapshotException(source + ": file not found", e);
    } catch (IOException e) {
      throw new SnapshotException(source + ": cannot read: " + oneLine(e.getMessage()), e);
    }
    return parse(bytes, source);
  }

  /** Reads a snapshot given as JSON text; {@code source} names it in error messages. */
  public Snapshot read(String json, String source) throws SnapshotException {
    if (json == null) {
      throw new SnapshotException(source + ": no snapshot");
    }
    return parse(json.getBytes(StandardCharsets.UTF_8), source);
  }

  private Snapshot parse(byte[] bytes, String source) throws SnapshotException {
    if (bytes.length > maxBytes) {
      throw new SnapshotException(source + ": larger than " + maxBytes + " bytes, not read");
    }
    if (bytes.length == 0) {
      throw new SnapshotException(source + ": empty");
    }
    Object tree;
    try {
      tree = JsonParser.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonSyntaxException e) {
      throw new SnapshotException(source + ": not a valid snapshot: " + e.getMessage(), e);
    }
    if (!(tree instanceof Map<?, ?> root)) {
      throw new SnapshotException(source + ": not a timewait snapshot (not a JSON object)");
    }
    Object schema = root.get("schema");
    if (!(schema instanceof String)) {
      throw new SnapshotException(source + ": not a timewait snapshot (no \"schema\" field)");
    }
    if (!schema.equals(Snapshot.SCHEMA)) {
      throw new SnapshotException(
          source + ": unsupported schema \"" + schema + "\", expected " + Snapshot.SCHEMA);
    }
    try {
      return snapshot(new Fields(root));
    } catch (BadField e) {
      throw new SnapshotException(source + ": not a valid snapshot: " + e.getMessage(), e);
    }
  }

  private static Snapshot snapshot(Fields f) throws BadField {
    Fields jvm = f.object("jvm");
    Fields overflow = f.object("overflow");
    return new Snapshot(
        f.string("schema"),
        f.instant("takenAt"),
        f.string("agentVersion"),
        jvm == null
            ? null
            : new JvmInfo(
                jvm.count("pid"),
                jvm.string("javaVersion"),
                jvm.string("mainClass"),
                jvm.string("hostName")),
        f.instant("startedAt"),
        totals(f.object("totals")),
        f.list("sites", SnapshotReader::site),
        f.list(
            "endpoints",
            e ->
                new EndpointStats(
                    e.string("remote"),
                    e.count("active"),
                    e.count("passive"),
                    e.count("abortive"),
                    peerIdle(e.object("peerIdle")))),
        overflow == null
            ? null
            : new OverflowCounts(
                overflow.count("sites"),
                overflow.count("endpoints"),
                overflow.count("recentActiveCloses"),
                overflow.count("sitesSampledOut")),
        f.list(
            "closeWait",
            c -> new CloseWaitStats(c.string("openSite"), c.role("role"), c.count("count"))),
        f.list(
            "recentActiveCloses",
            r ->
                new RecentClose(
                    SocketPair.parse(r.string("local"), r.string("remote")),
                    r.instant("at"),
                    r.string("site"),
                    r.string("openSite"),
                    r.role("role"))),
        f.count("internalCloses"),
        host(f.object("host")));
  }

  private static CloseTotals totals(Fields t) throws BadField {
    if (t == null) {
      return null;
    }
    Map<Role, CloseCounts> byRole = new EnumMap<>(Role.class);
    Fields roles = t.object("byRole");
    if (roles != null) {
      for (String name : roles.names()) {
        Fields counts = roles.object(name);
        if (counts != null) {
          byRole.put(Role.parse(name), counts(counts));
        }
      }
    }
    return new CloseTotals(
        t.count("active"),
        t.count("passive"),
        t.count("abortive"),
        byRole,
        t.count("resetAfterFin"));
  }

  private static PeerIdleTimes peerIdle(Fields p) throws BadField {
    if (p == null) {
      return null;
    }
    Long min = p.optionalCount("minIdleMillis");
    return new PeerIdleTimes(
        p.count("closes"),
        min == null ? -1 : min,
        p.count("maxMillis"),
        p.list("buckets", b -> new PeerIdleTimes.Bucket(b.count("fromMillis"), b.count("count"))),
        p.string("via"));
  }

  private static CloseCounts counts(Fields c) throws BadField {
    return new CloseCounts(c.count("active"), c.count("passive"), c.count("abortive"));
  }

  private static SiteStats site(Fields s) throws BadField {
    return new SiteStats(
        s.string("site"),
        s.string("openSite"),
        s.role("role"),
        s.count("active"),
        s.count("passive"),
        s.count("abortive"),
        s.strings("stack"),
        s.list("endpoints", e -> new SiteEndpoint(e.string("remote"), e.count("active"))),
        s.strings("openStack"),
        s.string("via"),
        s.count("estimated"));
  }

  private static HostSection host(Fields h) throws BadField {
    if (h == null) {
      return null;
    }
    Fields m = h.object("match");
    return new HostSection(
        h.instant("takenAt"),
        h.string("collector"),
        h.string("kernel"),
        h.optionalCount("timeWait"),
        h.optionalCount("closeWait"),
        h.list(
            "destinations",
            d -> {
              Long usable = d.optionalCount("usable");
              return new HostDestination(
                  d.string("local"),
                  d.string("remote"),
                  d.count("timeWait"),
                  usable == null ? null : Math.toIntExact(usable),
                  d.number("utilization"));
            }),
        m == null
            ? null
            : new HostMatch(
                m.count("recentCloses"),
                m.count("confirmed"),
                m.count("hostTimeWait"),
                m.number("confirmedShare"),
                m.number("ownedShareOfHost"),
                m.list(
                    "sites",
                    o ->
                        new HostMatch.OwnedSite(
                            o.string("site"),
                            o.string("openSite"),
                            o.role("role"),
                            o.count("timeWait")))),
        h.strings("unavailable"));
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return (newline >= 0 ? message.substring(0, newline) : message).strip();
  }

  /** A field of the wrong type; the message names it. */
  private static final class BadField extends Exception {
    private static final long serialVersionUID = 1L;

    BadField(String message) {
      super(message);
    }
  }

  private interface RowReader<T> {
    T read(Fields row) throws BadField;
  }

  /** Typed access to one JSON object's fields; a missing field or a JSON null reads as absent. */
  private static final class Fields {
    private final Map<?, ?> map;

    Fields(Map<?, ?> map) {
      this.map = map;
    }

    List<String> names() {
      List<String> names = new ArrayList<>();
      for (Object key : map.keySet()) {
        names.add((String) key);
      }
      return names;
    }

    String string(String name) throws BadField {
      Object v = map.get(name);
      if (v == null || v instanceof String) {
        return (String) v;
      }
      throw new BadField("\"" + name + "\" is not a string");
    }

    long count(String name) throws BadField {
      Long v = optionalCount(name);
      return v == null ? 0 : v;
    }

    /** A whole number; the writer's {@code -1} for "unknown" reads as absent. */
    Long optionalCount(String name) throws BadField {
      Object v = map.get(name);
      if (v == null) {
        return null;
      }
      if (v instanceof Long l) {
        return l < 0 ? null : l;
      }
      throw new BadField("\"" + name + "\" is not a whole number");
    }

    Double number(String name) throws BadField {
      Object v = map.get(name);
      if (v == null) {
        return null;
      }
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      throw new BadField("\"" + name + "\" is not a number");
    }

    Role role(String name) throws BadField {
      return Role.parse(string(name));
    }

    Instant instant(String name) throws BadField {
      String text = string(name);
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return Instant.parse(text.strip());
      } catch (DateTimeParseException e) {
        throw new BadField("\"" + name + "\" is not an ISO-8601 instant: \"" + text + "\"");
      }
    }

    Fields object(String name) throws BadField {
      Object v = map.get(name);
      if (v == null) {
        return null;
      }
      if (v instanceof Map<?, ?> m) {
        return new Fields(m);
      }
      throw new BadField("\"" + name + "\" is not an object");
    }

    List<String> strings(String name) throws BadField {
      return list(name, null, Fields::asString);
    }

    <T> List<T> list(String name, RowReader<T> rows) throws BadField {
      return list(name, rows, null);
    }

    /** Null elements are dropped; objects go through {@code rows}, strings through {@code text}. */
    private <T> List<T> list(String name, RowReader<T> rows, Function<Object, T> text)
        throws BadField {
      Object v = map.get(name);
      if (v == null) {
        return List.of();
      }
      if (!(v instanceof List<?> items)) {
        throw new BadField("\"" + name + "\" is not a list");
      }
      List<T> out = new ArrayList<>(items.size());
      for (Object item : items) {
        if (item == null) {
          continue;
        }
        if (rows != null && item instanceof Map<?, ?> m) {
          out.add(rows.read(new Fields(m)));
        } else if (text != null && item instanceof String) {
          out.add(text.apply(item));
        } else {
          throw new BadField("\"" + name + "\" holds an element of the wrong type");
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T asString(Object o) {
      return (T) o;
    }
  }
}
