package dev.timewait.agent.internal.jmx;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.SiteCounters;
import dev.timewait.core.snapshot.CloseKind;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code dev.timewait:type=Site,id=N} beans: one per code site row, for the first {@value
 * #MAX_BEANS} rows, registered by the background thread as rows appear. A bean reads its row's
 * counters when asked; rows are never removed, so a bean stays valid for the agent's life.
 */
public final class SiteBeans {
  /** At most this many site beans; the rest are only in {@code type=Closes}. */
  public static final int MAX_BEANS = 100;

  /** Registers one bean under its object name; the agent's registration, undone at its stop. */
  public interface Registrar {
    void register(String objectName, Object bean) throws Exception;
  }

  private final CloseRecorder recorder;
  private final Map<SiteCounters, Integer> ids = new IdentityHashMap<>();

  public SiteBeans(CloseRecorder recorder) {
    this.recorder = recorder;
  }

  /** Registers a bean for each row that has none yet, up to {@link #MAX_BEANS}; how many. */
  public int registerNew(Registrar registrar) throws Exception {
    int added = 0;
    for (SiteCounters row : recorder.sites()) {
      if (ids.size() >= MAX_BEANS) {
        break;
      }
      if (ids.containsKey(row)) {
        continue;
      }
      int id = ids.size() + 1;
      ids.put(row, id);
      registrar.register(
          "dev.timewait:type=Site,id=" + id, DescribedMBean.of(new Bean(row), SiteMXBean.class));
      added++;
    }
    return added;
  }

  private static final class Bean implements SiteMXBean {
    private final SiteCounters row;

    Bean(SiteCounters row) {
      this.row = row;
    }

    @Override
    public String getSite() {
      return row.closeSite.frame;
    }

    @Override
    public String getOpenSite() {
      return row.openSite.frame;
    }

    @Override
    public String getRole() {
      return row.role.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String getVia() {
      return row.via == null ? "-" : row.via;
    }

    @Override
    public long getActive() {
      return row.count(CloseKind.ACTIVE);
    }

    @Override
    public long getPassive() {
      return row.count(CloseKind.PASSIVE);
    }

    @Override
    public long getAbortive() {
      return row.count(CloseKind.ABORTIVE);
    }

    @Override
    public long getEstimated() {
      return row.estimated();
    }
  }
}
