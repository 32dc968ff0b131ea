package dev.timewait.analyzer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import dev.timewait.core.owners.OwnerKind;
import dev.timewait.core.rules.Severity;
import java.io.UncheckedIOException;

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
                  .addSerializer(
                      Severity.class,
                      new ToStringSerializerBase(Severity.class) {
                        @Override
                        public String valueToString(Object value) {
                          return ((Severity) value).label();
                        }
                      })
                  .addSerializer(
                      OwnerKind.class,
                      new ToStringSerializerBase(OwnerKind.class) {
                        @Override
                        public String valueToString(Object value) {
                          return ((OwnerKind) value).label();
                        }
                      }));

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
