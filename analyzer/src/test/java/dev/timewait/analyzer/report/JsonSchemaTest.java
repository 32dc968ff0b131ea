package dev.timewait.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.timewait.core.snapshot.SnapshotWriter;
import dev.timewait.testing.HostTreeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Schemas published in {@code docs/schema} hold for what timewait writes. */
class JsonSchemaTest {

  static final Path SCHEMAS = Path.of("..", "docs", "schema");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Schema schema(String name) throws IOException {
    try (InputStream in = Files.newInputStream(SCHEMAS.resolve(name))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    }
  }

  static List<String> errors(String schema, JsonNode json) throws IOException {
    return schema(schema).validate(json).stream().map(Object::toString).toList();
  }

  static JsonNode report(Report report) throws IOException {
    return JSON.readTree(new JsonReport().render(report));
  }

  @Test
  void reportsOfAHostWithJvmsOfAHealthyHostAndOfSnapshotsOnlyFitTheReportSchema()
      throws IOException {
    String schema = "timewait.report-1.schema.json";
    assertEquals(List.of(), errors(schema, report(ReportFixtures.busyReport(dir.resolve("a")))));
    assertEquals(
        List.of(),
        errors(schema, report(ReportFixtures.reportOf(HostTreeBuilder.healthy(dir.resolve("b"))))));
    assertEquals(
        List.of(),
        errors(
            schema,
            report(ReportFixtures.reportOf(ReportFixtures.recycleBehindNat(dir.resolve("c"))))));
  }

  @Test
  void theSchemaRefusesSentencesWhereFieldsBelong() throws IOException {
    ObjectNode json = (ObjectNode) report(ReportFixtures.busyReport(dir));
    ((ObjectNode) json.get("sites").get(0)).put("jvm", "vm pid 29243 (Churn)");
    ((ObjectNode) json.get("sites").get(1)).putArray("remotes").add("127.0.0.1:43029 (858)");
    List<String> errors = errors("timewait.report-1.schema.json", json);
    assertFalse(errors.isEmpty());
    assertEquals(2, errors.stream().filter(e -> e.contains("/sites/")).count(), errors.toString());
  }

  @Test
  void theDocumentedSnapshotAndOneWrittenByTheOneWriterFitTheSnapshotSchema() throws IOException {
    String schema = "timewait.snapshot-1.schema.json";
    try (InputStream in = getClass().getResourceAsStream("/snapshot/documented-example.json")) {
      assertEquals(List.of(), errors(schema, JSON.readTree(in)));
    }
    String doc = Files.readString(Path.of("..", "docs", "snapshot-schema.md"));
    String example =
        doc.substring(doc.indexOf("```json") + 7, doc.indexOf("```", doc.indexOf("```json") + 7));
    assertEquals(List.of(), errors(schema, JSON.readTree(example)));
    String written = SnapshotWriter.toJson(ReportFixtures.snapshot("web-1"));
    assertEquals(List.of(), errors(schema, JSON.readTree(written)));
    ObjectNode broken = (ObjectNode) JSON.readTree(written);
    broken.put("totals", "10 closes");
    assertFalse(errors(schema, broken).isEmpty(), "the schema can fail");
  }
}
