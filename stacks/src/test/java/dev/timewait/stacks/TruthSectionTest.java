package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TruthSectionTest {
  private static final String OTHER = "# End-to-end truth table\n\nMeasured then.\n\n| a |\n";

  @Test
  void aDocumentWithoutTheSectionGetsItAppended() {
    assertEquals(
        OTHER + "\n## Real stacks\n\nnew\n",
        TruthSection.replace(OTHER, "## Real stacks\n\nnew\n\n"));
  }

  @Test
  void theSectionIsReplacedUpToTheNextHeadingAndNothingElseChanges() {
    String document =
        OTHER + "\n## Real stacks\n\nold\n\n### Where\n\nold rows\n\n## Later section\n\nkept\n";
    String replaced = TruthSection.replace(document, "## Real stacks\n\nnew\n");

    assertEquals(OTHER + "\n## Real stacks\n\nnew\n\n## Later section\n\nkept\n", replaced);
    assertEquals(replaced, TruthSection.replace(replaced, "## Real stacks\n\nnew\n"));
  }

  @Test
  void aSectionAtTheEndIsReplacedWhole() {
    String document = OTHER + "\n## Real stacks\n\nold\n\n### Where\n\nold rows\n";
    assertEquals(
        OTHER + "\n## Real stacks\n\nnew\n",
        TruthSection.replace(document, "## Real stacks\n\nnew"));
  }
}
