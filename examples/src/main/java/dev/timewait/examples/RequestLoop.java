package dev.timewait.examples;

import java.util.concurrent.TimeUnit;

/** Sends a scenario's requests one after another, paced by its rate and bounded by its duration. */
final class RequestLoop {

  /** One request; its exceptions are counted, not thrown. */
  interface Request {
    void send(int index) throws Exception;
  }

  /** How many requests completed and how many failed, with the first failure for the summary. */
  record Outcome(int completed, int errors, Exception firstError) {}

  private RequestLoop() {}

  static Outcome run(ScenarioOptions options, Request request) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + options.duration().toNanos();
    double intervalNanos = options.rate() > 0 ? TimeUnit.SECONDS.toNanos(1) / options.rate() : 0;
    int completed = 0;
    int errors = 0;
    Exception firstError = null;
    for (int i = 0; i < options.requests(); i++) {
      long due = start + (long) (i * intervalNanos);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (System.nanoTime() - deadline > 0) {
        break;
      }
      try {
        request.send(i);
        completed++;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        errors++;
        if (firstError == null) {
          firstError = e;
        }
      }
    }
    return new Outcome(completed, errors, firstError);
  }
}
