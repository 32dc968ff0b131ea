package dev.timewait.agent.internal.jmx;

import dev.timewait.core.rules.Finding;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code dev.timewait.Finding}: a finding of the Findings MBean was raised or cleared, the same
 * moment its JMX notification is sent.
 */
@Name("dev.timewait.Finding")
@Label("TIME_WAIT Finding")
@Category({"timewait"})
@Description("A timewait finding was raised or cleared on this JVM")
@StackTrace(false)
public final class FindingEvent extends Event {

  @Label("Action")
  @Description("raised or cleared")
  String action;

  @Label("Id")
  String id;

  @Label("Severity")
  @Description("critical, warning or info")
  String severity;

  @Label("Title")
  String title;

  @Label("Evidence")
  String evidence;

  @Label("Recommendation")
  String recommendation;

  /** Commits one event if a recording wants it; a no-op otherwise. */
  static void emit(boolean raised, Finding finding) {
    FindingEvent event = new FindingEvent();
    if (!event.shouldCommit()) {
      return;
    }
    event.action = raised ? "raised" : "cleared";
    event.id = finding.id();
    event.severity = finding.severity().label();
    event.title = finding.title();
    event.evidence = String.join("\n", finding.evidence());
    event.recommendation = finding.recommendation();
    event.commit();
  }
}
