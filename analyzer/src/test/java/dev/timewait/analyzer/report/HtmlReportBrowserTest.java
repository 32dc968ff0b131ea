package dev.timewait.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
            "--virtual-time-budget=5000"));
    if (List.of(extra).stream().noneMatch(arg -> arg.startsWith("--window-size="))) {
      command.add("--window-size=1200,2400");
    }
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

  /**
   * Measures the laid-out page in the browser: cells that wrapped onto a second line (numbers,
   * roles, headers), a page wider than the window, bars of sites without an active close, and chart
   * labels that read the same.
   */
  private static final String LAYOUT_PROBE =
      """
      <script>(function(){var bad=[];
      document.querySelectorAll('td.n,th').forEach(function(c){
        if(c.closest('table.kv')){return;}
        var r=document.createRange();r.selectNodeContents(c);var tops={};var rects=r.getClientRects();
        for(var i=0;i<rects.length;i++){tops[Math.round(rects[i].top)]=1;}
        if(Object.keys(tops).length>1){bad.push('wrapped: '+c.textContent);}});
      if(document.documentElement.scrollWidth>window.innerWidth+1){
        bad.push('page wider than the window: '+document.documentElement.scrollWidth);}
      var chart=Chart.getChart('chart-sites');
      chart.data.datasets[0].data.forEach(function(v){if(!(v>0)){bad.push('a bar without active closes');}});
      var labels=chart.data.labels.map(function(l){return [].concat(l).join(' / ');});
      if(new Set(labels).size!==labels.length){bad.push('labels that read the same: '+labels.join(' | '));}
      parent.postMessage(JSON.stringify({bad:bad,labels:labels,width:window.innerWidth}),'*');
      })();</script>
      """;

  /**
   * Headless Chromium keeps its window at least 500 px wide: the report is laid out in a frame of
   * the width under test, which reports its measurements to this page.
   */
  private static String frameOf(Path report, int width) {
    return "<!DOCTYPE html><html><body style=\"margin:0\"><iframe src=\""
        + report.toUri()
        + "\" style=\"border:0;width:"
        + width
        + "px;height:5000px\"></iframe><script>window.addEventListener('message',function(e){"
        + "document.documentElement.setAttribute('data-layout',e.data);});</script></body></html>";
  }

  /**
   * At a phone's, a laptop's and a desktop's width: nothing squeezed, the chart of top sites
   * without empty rows and with labels that tell sites and JVMs apart. The screenshots are kept in
   * {@code target/report-screenshots} to look at.
   */
  @ParameterizedTest
  @ValueSource(ints = {390, 1280, 1920})
  void layoutHoldsAtPhoneLaptopAndDesktopWidths(int width) throws Exception {
    String html = Files.readString(page);
    Path probed = dir.resolve("probed-" + width + ".html");
    Files.writeString(probed, html.replace("</body>", LAYOUT_PROBE + "</body>"));
    Path frame = Files.writeString(dir.resolve("frame-" + width + ".html"), frameOf(probed, width));
    String window = "--window-size=" + Math.max(width, 500) + ",5000";
    String dom = chromium(frame, "--dump-dom", window);
    Matcher root = Pattern.compile("<html[^>]*data-layout=\"([^\"]*)\"").matcher(dom);
    assertTrue(root.find(), "the probe ran: " + dom.substring(0, Math.min(400, dom.length())));
    JsonNode layout =
        new ObjectMapper().readTree(root.group(1).replace("&quot;", "\"").replace("&amp;", "&"));
    assertEquals(width, layout.get("width").asInt(), "the window is as wide as asked");
    assertEquals("[]", layout.get("bad").toString(), layout.toString());
    String labels = layout.get("labels").toString();
    assertFalse(labels.contains("Linger.reset"), "a site without active closes: " + labels);
    if (width >= 1280) {
      assertTrue(labels.contains("Client.call:42 / opened at Client.connect:30 / web-1"), labels);
      assertTrue(labels.contains("Client.call:42 / opened at Client.connect:30 / batch-2"), labels);
    }
    assertTrue(html.contains("<a href=\"https://"), "references are links");

    Path shots = Path.of("target", "report-screenshots");
    Files.createDirectories(shots);
    Path png = shots.resolve("report-" + width + ".png");
    Path frameOfPage =
        Files.writeString(dir.resolve("shot-" + width + ".html"), frameOf(page, width));
    chromium(frameOfPage, "--screenshot=" + png.toAbsolutePath(), window);
    BufferedImage shot = ImageIO.read(png.toFile());
    ImageIO.write(shot.getSubimage(0, 0, width, shot.getHeight()), "png", png.toFile());
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
