package dev.timewait.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonWriterTest {
  @Test
  void escapesEverythingAndStaysValid() throws Exception {
    String nasty = "a\"b\\c\nd\te\u0001<script>&\u2028";
    String json =
        new JsonWriter()
            .beginObject()
            .field("s", nasty)
            .field("n", 42)
            .name("list")
            .beginArray()
            .value("x")
            .value(null)
            .beginObject()
            .endObject()
            .endArray()
            .endObject()
            .toString();
    assertFalse(json.contains("<script>"), "markup characters are escaped: " + json);
    JsonNode node = new ObjectMapper().readTree(json);
    assertEquals(nasty, node.get("s").asText());
    assertEquals(42, node.get("n").asLong());
    assertEquals(3, node.get("list").size());
    assertEquals("x", node.get("list").get(0).asText());
  }
}
