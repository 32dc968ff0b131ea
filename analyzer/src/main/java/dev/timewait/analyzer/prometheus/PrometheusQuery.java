package dev.timewait.analyzer.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Instant queries against a Prometheus server's HTTP API ({@code /api/v1/query}). */
public final class PrometheusQuery {
  /** One series of an instant vector. */
  public record Series(Map<String, String> labels, double value) {}

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final HttpClient client;
  private final ObjectMapper json = new ObjectMapper();

  /** {@code base} is the server's address, e.g. {@code http://127.0.0.1:9090}. */
  public PrometheusQuery(URI base) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /** The instant vector of {@code query} evaluated at {@code at}. */
  public List<Series> vector(String query, Instant at) throws PrometheusException {
    URI uri =
        base.resolve(
            "api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time="
                + at.getEpochSecond()
                + "."
                + String.format("%03d", at.getNano() / 1_000_000));
    String body;
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      body = response.body();
    } catch (IOException e) {
      throw new PrometheusException("cannot reach Prometheus at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted while querying " + base, e);
    }
    return parse(body, query);
  }

  /** Parses a query API answer; a failed query's error becomes the exception's message. */
  List<Series> parse(String body, String query) throws PrometheusException {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new PrometheusException(base + " did not answer with Prometheus JSON for " + query);
    }
    if (!"success".equals(root.path("status").asText())) {
      throw new PrometheusException(
          "Prometheus at " + base + " refused " + query + ": " + root.path("error").asText());
    }
    JsonNode data = root.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new PrometheusException(query + " did not give an instant vector");
    }
    List<Series> out = new ArrayList<>();
    for (JsonNode row : data.path("result")) {
      Map<String, String> labels = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = row.path("metric").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        labels.put(f.getKey(), f.getValue().asText());
      }
      double value;
      try {
        value = Double.parseDouble(row.path("value").path(1).asText());
      } catch (NumberFormatException e) {
        continue; // not a number this version understands: skip the series
      }
      out.add(new Series(labels, value));
    }
    return out;
  }
}
