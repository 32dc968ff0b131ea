package dev.timewait.agent.internal.jmx;

import java.lang.reflect.Method;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;
import javax.management.StandardMBean;

/**
 * Wraps an MXBean so that its MBean info carries the {@link Description}s of its interface: a
 * console shows them as tooltips and the Prometheus JMX exporter as {@code # HELP} lines.
 */
public final class DescribedMBean {
  private DescribedMBean() {}

  /** The MBean to register for {@code bean}; a {@link NotificationEmitter} stays one. */
  public static <T> StandardMBean of(T bean, Class<T> mxbeanInterface) {
    if (bean instanceof NotificationEmitter) {
      return new Emitter<>(bean, mxbeanInterface, (NotificationEmitter) bean);
    }
    return new Plain<>(bean, mxbeanInterface);
  }

  static String describe(Class<?> type, MBeanInfo info) {
    Description d = type.getAnnotation(Description.class);
    return d == null ? info.getDescription() : d.value();
  }

  static String describe(Class<?> type, MBeanAttributeInfo info) {
    String name = info.getName();
    for (Method method : type.getMethods()) {
      String m = method.getName();
      if (method.getParameterCount() == 0
          && (m.equals("get" + name) || m.equals("is" + name))
          && method.isAnnotationPresent(Description.class)) {
        return method.getAnnotation(Description.class).value();
      }
    }
    return info.getDescription();
  }

  private static final class Plain<T> extends StandardMBean {
    private final Class<T> type;

    Plain(T bean, Class<T> type) {
      super(bean, type, true);
      this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
      return describe(type, info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
      return describe(type, info);
    }
  }

  private static final class Emitter<T> extends StandardEmitterMBean {
    private final Class<T> type;

    Emitter(T bean, Class<T> type, NotificationEmitter emitter) {
      super(bean, type, true, emitter);
      this.type = type;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
      return describe(type, info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
      return describe(type, info);
    }
  }
}
