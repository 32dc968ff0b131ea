package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.AgentErrors;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * Tells the agent when the heap runs short, so that it gives its largest table back before the
 * application meets {@code OutOfMemoryError}: a collection-usage threshold at {@link #SHARE} of
 * each old-generation pool (the heap pools that support a usage threshold: G1 Old Gen, Tenured Gen,
 * PS Old Gen, ZHeap, Shenandoah). A threshold the application or another tool has set already is
 * kept, and listened to; the ones set here are cleared by {@link #stop()}. The release runs on the
 * JDK's notification thread: it must stay short and allocate little.
 */
final class MemoryPressure implements NotificationListener {
  /** Of the pool's maximum, after a collection. */
  static final double SHARE = 0.8;

  private final Runnable release;
  private final AgentErrors errors;
  private final List<MemoryPoolMXBean> thresholdsSet = new ArrayList<>();
  private NotificationEmitter emitter;

  private MemoryPressure(Runnable release, AgentErrors errors) {
    this.release = release;
    this.errors = errors;
  }

  /** Starts listening; null (and a counted error) when the platform gives no memory beans. */
  static MemoryPressure listen(Runnable release, AgentErrors errors) {
    try {
      MemoryPressure pressure = new MemoryPressure(release, errors);
      int watched = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pressure.watch(pool)) {
          watched++;
        }
      }
      if (watched == 0) {
        return null;
      }
      pressure.emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
      pressure.emitter.addNotificationListener(pressure, null, null);
      return pressure;
    } catch (RuntimeException | LinkageError e) {
      errors.record("memory pressure listener", e);
      return null;
    }
  }

  private boolean watch(MemoryPoolMXBean pool) {
    if (pool.getType() != MemoryType.HEAP
        || !pool.isUsageThresholdSupported() // young pools: full after every collection
        || !pool.isCollectionUsageThresholdSupported()) {
      return false;
    }
    if (pool.getCollectionUsageThreshold() == 0) {
      long max = pool.getUsage().getMax();
      if (max <= 0) {
        max = Runtime.getRuntime().maxMemory();
      }
      pool.setCollectionUsageThreshold((long) (max * SHARE));
      thresholdsSet.add(pool);
    }
    return true;
  }

  @Override
  public void handleNotification(Notification notification, Object handback) {
    String type = notification.getType();
    if (!MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(type)
        && !MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(type)) {
      return;
    }
    try {
      release.run();
    } catch (Throwable t) {
      errors.record("releasing memory", t);
    }
  }

  /** Stops listening and clears the thresholds set here. */
  void stop() {
    try {
      emitter.removeNotificationListener(this);
      for (MemoryPoolMXBean pool : thresholdsSet) {
        pool.setCollectionUsageThreshold(0);
      }
    } catch (ListenerNotFoundException | RuntimeException e) {
      errors.record("memory pressure listener", e);
    }
  }
}
