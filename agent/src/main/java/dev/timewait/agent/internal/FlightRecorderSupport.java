package dev.timewait.agent.internal;

/**
 * Whether this runtime has Flight Recorder ({@code jdk.jfr}): the agent's JFR event classes extend
 * {@code jdk.jfr.Event} and are only touched when it does, so that a runtime linked without the
 * module runs the agent without its events.
 */
public final class FlightRecorderSupport {

  /** True when the {@code jdk.jfr} module is in the boot layer. */
  public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private FlightRecorderSupport() {}
}
