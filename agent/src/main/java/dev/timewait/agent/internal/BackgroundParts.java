package dev.timewait.agent.internal;

import dev.timewait.agent.internal.background.AgentBackground;
import dev.timewait.agent.internal.background.CloseWaitTracker;
import dev.timewait.agent.internal.background.HostMonitor;
import dev.timewait.agent.internal.background.SnapshotBuilder;
import dev.timewait.agent.internal.hook.LazyJdkSockets;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.hook.SocketEventHandler;
import dev.timewait.agent.internal.jmx.AgentBean;
import dev.timewait.agent.internal.jmx.AgentMXBean;
import dev.timewait.agent.internal.jmx.ClosesBean;
import dev.timewait.agent.internal.jmx.ClosesMXBean;
import dev.timewait.agent.internal.jmx.FindingsBean;
import dev.timewait.agent.internal.jmx.HostBean;
import dev.timewait.agent.internal.jmx.HostMXBean;
import dev.timewait.agent.internal.jmx.SiteBeans;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds what the background thread serves (CLOSE_WAIT scan, host sampler, snapshot model, MBeans)
 * on that thread, after {@code jmxDelay}: none of these classes is loaded before {@code main}.
 */
final class BackgroundParts implements Supplier<AgentBackground.Parts> {
  private final AgentOptions options;
  private final Faults faults;
  private final AgentErrors errors;
  private final CloseRecorder recorder;
  private final SocketEventHandler handler;
  private final OpenConnections connections;
  private final LazyJdkSockets sockets;
  private final AgentInfo info;
  private final List<String> paths;

  BackgroundParts(
      AgentOptions options,
      Faults faults,
      AgentErrors errors,
      CloseRecorder recorder,
      SocketEventHandler handler,
      OpenConnections connections,
      LazyJdkSockets sockets,
      AgentInfo info,
      List<String> paths) {
    this.options = options;
    this.faults = faults;
    this.errors = errors;
    this.recorder = recorder;
    this.handler = handler;
    this.connections = connections;
    this.sockets = sockets;
    this.info = info;
    this.paths = paths;
  }

  @Override
  public AgentBackground.Parts get() {
    CloseWaitTracker closeWait =
        new CloseWaitTracker(
            connections, sockets, options.closeWaitAfter.toMillis(), handler::peerClosedWhileOpen);
    HostMonitor host =
        options.host
            ? new HostMonitor(
                () -> faults.sampler(HostCollector.forRoot(HostRoot.of(options.hostRoot))),
                recorder,
                errors,
                options.hostInterval.toMillis(),
                options.tableInterval.toMillis())
            : null;
    SnapshotBuilder snapshot = new SnapshotBuilder(recorder, closeWait, info, host);
    FindingsBean findings = null;
    if (options.jmx) {
      try {
        findings =
            new FindingsBean(snapshot, host, options.thresholds, AgentBackground.FINDINGS_NAME);
      } catch (Exception e) {
        errors.record("Findings MBean", e);
      }
    }
    FindingsBean rules = findings;
    Runnable periodic =
        faults.periodic(
            () -> {
              long now = System.currentTimeMillis();
              if (handler.tracked() > 0) {
                // once the application has connections (its sockets are woven by then)
                handler.preloadIdleTimes();
              }
              closeWait.scan(now);
              refresh(rules, now);
            });
    return new AgentBackground.Parts(
        snapshot,
        periodic,
        faults.bean(ClosesMXBean.class, new ClosesBean(recorder, handler, closeWait), errors),
        faults.bean(
            AgentMXBean.class,
            new AgentBean(info, options, paths, recorder, errors, snapshot),
            errors),
        host,
        host == null ? null : faults.bean(HostMXBean.class, new HostBean(host), errors),
        findings,
        options.jmx ? new SiteBeans(recorder) : null,
        () -> recorder.releaseRecentCloses(System.currentTimeMillis()));
  }

  /** A failing rule run is counted; the scan and the snapshot go on. */
  private void refresh(FindingsBean findings, long now) {
    if (findings == null) {
      return;
    }
    try {
      findings.refresh(now);
    } catch (Throwable t) {
      errors.record("findings", t);
    }
  }
}
