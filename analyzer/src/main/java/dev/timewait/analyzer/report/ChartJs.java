package dev.timewait.analyzer.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/** Chart.js, read from its webjar on the class path so the HTML report can embed it. */
final class ChartJs {

  private static final Pattern SOURCE_MAP = Pattern.compile("(?m)^//# sourceMappingURL=.*$");
  private static final Pattern SCRIPT_END = Pattern.compile("(?i)</(script)");

  private static volatile String cached;

  private ChartJs() {}

  /** The minified library, safe to place inside a {@code <script>} element. */
  static String script() {
    String script = cached;
    if (script == null) {
      script = load();
      cached = script;
    }
    return script;
  }

  static String version() {
    Properties properties = new Properties();
    try (InputStream in = ChartJs.class.getResourceAsStream("chartjs.properties")) {
      if (in == null) {
        throw new IllegalStateException("chartjs.properties missing from the class path");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("chartjs.version");
  }

  private static String load() {
    String path = "/META-INF/resources/webjars/chart.js/" + version() + "/dist/chart.umd.min.js";
    try (InputStream in = ChartJs.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing from the class path");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // No source map to fetch (the report works offline), and nothing that ends the script
      // element.
      text = SOURCE_MAP.matcher(text).replaceAll("");
      return SCRIPT_END.matcher(text).replaceAll("<\\\\/$1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
