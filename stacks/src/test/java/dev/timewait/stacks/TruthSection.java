package dev.timewait.stacks;

/**
 * Puts the suite's section into {@code docs/TRUTH.md}: replaces the {@code ## Real stacks} section
 * (up to the next heading of level one or two) or appends it, and leaves the rest of the file as it
 * was.
 */
final class TruthSection {
  static final String HEADING = "## Real stacks";

  private TruthSection() {}

  static String replace(String document, String section) {
    String body = section.strip() + "\n";
    int start = headingAt(document);
    if (start < 0) {
      String head =
          document.isEmpty() || document.endsWith("\n\n")
              ? document
              : document.stripTrailing() + "\n\n";
      return head + body;
    }
    int end = document.length();
    int from = start + HEADING.length();
    while (true) {
      int line = document.indexOf('\n', from);
      if (line < 0 || line + 1 >= document.length()) {
        break;
      }
      if (document.startsWith("# ", line + 1) || document.startsWith("## ", line + 1)) {
        end = line + 1;
        break;
      }
      from = line + 1;
    }
    String rest = document.substring(end);
    return document.substring(0, start) + body + (rest.isEmpty() ? "" : "\n" + rest);
  }

  private static int headingAt(String document) {
    if (document.startsWith(HEADING + "\n")) {
      return 0;
    }
    int at = document.indexOf("\n" + HEADING + "\n");
    return at < 0 ? -1 : at + 1;
  }
}
