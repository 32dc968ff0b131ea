package dev.timewait.analyzer.prometheus;

/** The Prometheus server could not be reached or refused a query; the message says which. */
public final class PrometheusException extends Exception {
  public PrometheusException(String message) {
    super(message);
  }

  public PrometheusException(String message, Throwable cause) {
    super(message, cause);
  }
}
