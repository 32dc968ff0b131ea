package dev.timewait.analyzer.snapshot;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads the agent's snapshot JSON ({@code timewait.snapshot/1}) from a file or a string (the JMX
 * {@code SnapshotJson} attribute). Unknown fields are ignored, unknown roles read as {@link
 * Role#UNKNOWN}, input past a size limit is refused. Every failure is a {@link SnapshotException}
 * with a one-line message naming the source. Thread-safe.
 */
public final class SnapshotReader {

  /** Default size limit: far above what the agent's bounded tables can write. */
  public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

  private final int maxBytes;
  private final ObjectMapper mapper;

  public SnapshotReader() {
    this(DEFAULT_MAX_BYTES);
  }

  /** A reader refusing input larger than {@code maxBytes}. */
  public SnapshotReader(int maxBytes) {
    this.maxBytes = maxBytes;
    SimpleModule instants = new SimpleModule("timewait-instants");
    instants.addDeserializer(Instant.class, new InstantDeserializer());
    this.mapper =
        JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .addModule(instants)
            .build();
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
    Snapshot snapshot;
    try {
      snapshot = mapper.readValue(bytes, Snapshot.class);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new SnapshotException(
          source + ": not a valid snapshot" + where + ": " + oneLine(e.getOriginalMessage()), e);
    } catch (IOException | RuntimeException e) {
      throw new SnapshotException(source + ": not a valid snapshot: " + oneLine(e.toString()), e);
    }
    if (snapshot == null) {
      throw new SnapshotException(source + ": not a valid snapshot: null");
    }
    String schema = snapshot.schema();
    if (schema == null) {
      throw new SnapshotException(source + ": not a timewait snapshot (no \"schema\" field)");
    }
    if (!schema.equals(Snapshot.SCHEMA)) {
      throw new SnapshotException(
          source + ": unsupported schema \"" + schema + "\", expected " + Snapshot.SCHEMA);
    }
    return snapshot;
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return (newline >= 0 ? message.substring(0, newline) : message).strip();
  }

  /** ISO-8601 instants, such as {@code 2026-11-24T15:20:00Z}, without the JSR-310 module. */
  private static final class InstantDeserializer extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      String text = parser.getValueAsString();
      if (text == null || text.isBlank()) {
        return null;
      }
      try {
        return Instant.parse(text.strip());
      } catch (DateTimeParseException e) {
        return (Instant)
            context.handleWeirdStringValue(Instant.class, text, "not an ISO-8601 instant");
      }
    }
  }
}
