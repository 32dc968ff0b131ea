package dev.timewait.agent.internal.jmx;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The description a JMX console or exporter shows for an MBean or one of its attributes; read by
 * {@link DescribedMBean} from the MXBean interface.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Description {
  String value();
}
