package dev.timewait.analyzer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import dev.timewait.core.owners.OwnerKind;
import dev.timewait.core.rules.Severity;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * The report as JSON ({@code timewait.report/1}); severities and owner kinds by their lower-case
 * label.
 */
public final class JsonReport implements ReportRenderer {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .registerModule(
              new SimpleModule("timewait-labels")
                  .addSerializer(Severity.class, byLabel(Severity.class, Severity::label))
                  .addSerializer(OwnerKind.class, byLabel(OwnerKind.class, OwnerKind::label)));

  /** Writes a value of {@code type} as the text {@code label} gives it. */
  private static <T> ToStringSerializerBase byLabel(Class<T> type, Function<T, String> label) {
    return new ToStringSerializerBase(type) {
      @Override
      public String valueToString(Object value) {
        return label.apply(type.cast(value));
      }
    };
  }

  @Override
  public String render(Report report) {
    return toJson(report) + System.lineSeparator();
  }

  /** Compact or indented JSON of {@code value}. */
  static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
