package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.AgentInfo;
import dev.timewait.agent.internal.AgentOptions;
import dev.timewait.agent.internal.background.SnapshotBuilder;
import dev.timewait.agent.internal.hook.JdkSockets;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.snapshot.SnapshotWriter;
import java.util.List;
import java.util.Map;

/** Serves {@code dev.timewait:type=Agent}. */
public final class AgentBean implements AgentMXBean {
  private final AgentInfo info;
  private final AgentOptions options;
  private final List<String> paths;
  private final CloseRecorder recorder;
  private final AgentErrors errors;
  private final SnapshotBuilder snapshot;

  public AgentBean(
      AgentInfo info,
      AgentOptions options,
      List<String> paths,
      CloseRecorder recorder,
      AgentErrors errors,
      SnapshotBuilder snapshot) {
    this.info = info;
    this.options = options;
    this.paths = paths;
    this.recorder = recorder;
    this.errors = errors;
    this.snapshot = snapshot;
  }

  @Override
  public String getVersion() {
    return AgentInfo.VERSION;
  }

  @Override
  public String getJavaVersion() {
    return info.javaVersion();
  }

  @Override
  public String[] getInstrumentedPaths() {
    return paths.toArray(new String[0]);
  }

  @Override
  public String getPeerFinDetection() {
    return JdkSockets.kernelTellsPeerFin()
        ? "kernel: poll(POLLRDHUP) when our FIN leaves"
        : "EOF: poll(POLLIN) with nothing to read when our FIN leaves";
  }

  @Override
  public Map<String, String> getOptions() {
    return options.given();
  }

  @Override
  public long getErrorCount() {
    return errors.count() + CloseBridge.suppressedErrors();
  }

  @Override
  public long getSiteOverflow() {
    return recorder.siteOverflow();
  }

  @Override
  public long getEndpointOverflow() {
    return recorder.endpointOverflow();
  }

  @Override
  public long getRecentCloseOverflow() {
    return recorder.recentOverflow();
  }

  @Override
  public long getInternalCloses() {
    return recorder.internal();
  }

  @Override
  public String getSnapshotJson() {
    return SnapshotWriter.toJson(snapshot.build(System.currentTimeMillis()));
  }
}
