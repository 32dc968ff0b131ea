package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.agent.internal.record.CodeSite;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteResolverTest {
  @Test
  void namesTheFirstApplicationFrameLikeStackTraceElement() {
    SiteResolver resolver = new SiteResolver(List.of(), 4, 100, null);
    CodeSite site = resolver.resolve();
    assertTrue(
        site.frame.startsWith(
            "dev.timewait.agent.internal.hook.SiteResolverTest"
                + ".namesTheFirstApplicationFrameLikeStackTraceElement(SiteResolverTest.java:"),
        site.frame);
    assertEquals(4, site.stack.size());
    assertEquals(site.frame, site.stack.get(0));
    CodeSite[] twice = new CodeSite[2];
    for (int i = 0; i < 2; i++) {
      twice[i] = resolver.resolve();
    }
    assertSame(twice[0], twice[1], "interned: the same line gives the same site");
  }

  @Test
  void skipsExcludedLibraryPrefixes() {
    SiteResolver resolver = new SiteResolver(List.of("dev.timewait.agent.internal."), 2, 100, null);
    CodeSite site = resolver.resolve();
    assertFalse(site.frame.startsWith("dev.timewait.agent.internal."), site.frame);
  }

  @Test
  void tableIsBounded() {
    SiteResolver resolver = new SiteResolver(List.of(), 2, 1, null);
    CodeSite first = resolver.resolve();
    CodeSite second = resolver.resolve();
    assertFalse(first == CodeSite.OTHER);
    assertSame(CodeSite.OTHER, second);
    assertEquals(1, resolver.size());
    assertEquals(1, resolver.overflow());
  }
}
