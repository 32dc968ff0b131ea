package dev.timewait.analyzer.report;

/** Writes a {@link Report} in one format. */
public interface ReportRenderer {

  /** The whole document. */
  String render(Report report);

  /** The renderer for {@code md}, {@code html} or {@code json}. */
  static ReportRenderer forFormat(String format) {
    switch (format) {
      case "md":
        return new MarkdownReport();
      case "html":
        return new HtmlReport();
      case "json":
        return new JsonReport();
      default:
        throw new IllegalArgumentException(
            "unknown format '" + format + "' (expected md, html or json)");
    }
  }
}
