package dev.timewait.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens the HTML report in headless Chromium (Debian's {@code chromium}) without any network. */
class HtmlReportBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir static Path dir;

  static Path page;

  @BeforeAll
  static void render() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM),
        "skipped: /usr/bin/chromium is not installed (apt-get install chromium)");
    page = dir.resolve("report.html");
    Files.writeString(
        page, new HtmlReport().render(ReportFixtures.busyReport(dir.resolve("host"))));
  }

  static String chromium(String... extra) throws Exception {
    return chromium(page, extra);
  }

  static String chromium(Path page, String... extra) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(CHROMIUM.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + Files.createTempDirectory(dir, "profile"),
            "--virtual-time-budget=5000",
            "--window-size=1200,2400"));
    command.addAll(List.of(extra));
    command.add(page.toUri().toString());
    Path stdout = Files.createTempFile(dir, "out", ".txt");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s");
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  @Test
  void chartsRenderWithoutErrors() throws Exception {
    String dom = chromium("--dump-dom");
    Matcher html = Pattern.compile("<html[^>]*>").matcher(dom);
    assertTrue(html.find(), dom.length() > 500 ? dom.substring(0, 500) : dom);
    String root = html.group();
    assertTrue(root.contains("data-charts-ready=\"3\""), root);
    assertFalse(root.contains("data-errors"), "script errors: " + root);
    Matcher canvas =
        Pattern.compile("<canvas id=\"chart-[a-z]+\"[^>]*width=\"(\\d+)\"[^>]*height=\"(\\d+)\"")
            .matcher(dom);
    int canvases = 0;
    while (canvas.find()) {
      canvases++;
      assertTrue(
          Integer.parseInt(canvas.group(1)) > 0 && Integer.parseInt(canvas.group(2)) > 0,
          canvas.group());
    }
    assertEquals(3, canvases, "three drawn charts");
    assertFalse(dom.contains("window.pwned=1</script>"), "the hostile site stayed text");
    assertTrue(
        dom.contains("com.example.&lt;script&gt;window.pwned=1&lt;/script&gt;.call(X.java:1)"));
  }

  @Test
  void screenshotIsNotBlank() throws Exception {
    Path png = dir.resolve("report.png");
    chromium("--screenshot=" + png);
    assertTrue(Files.size(png) > 10_000, "screenshot written");
    BufferedImage image = ImageIO.read(png.toFile());
    double sum = 0;
    double squares = 0;
    int n = 0;
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        int rgb = image.getRGB(x, y);
        double luma = 0.3 * ((rgb >> 16) & 0xff) + 0.59 * ((rgb >> 8) & 0xff) + 0.11 * (rgb & 0xff);
        sum += luma;
        squares += luma * luma;
        n++;
      }
    }
    double variance = squares / n - (sum / n) * (sum / n);
    assertTrue(variance > 100, "pixel variance " + variance);
  }

  @Test
  void errorsWouldBeSeen() throws Exception {
    String html = Files.readString(page);
    String start = "<script type=\"application/json\" id=\"timewait-data\">";
    int from = html.indexOf(start) + start.length();
    Path broken = dir.resolve("broken.html");
    Files.writeString(
        broken,
        html.substring(0, from) + "{not json" + html.substring(html.indexOf("</script>", from)));
    String dom = chromium(broken, "--dump-dom");
    Matcher root = Pattern.compile("<html[^>]*>").matcher(dom);
    assertTrue(root.find());
    assertTrue(
        root.group().contains("data-errors=\""), "a script error is recorded: " + root.group());
    assertFalse(root.group().contains("data-charts-ready"), root.group());
  }
}
