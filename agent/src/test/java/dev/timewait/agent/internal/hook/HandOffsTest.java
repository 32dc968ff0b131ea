package dev.timewait.agent.internal.hook;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.timewait.agent.internal.record.CodeSite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sites carried by objects a library was handed, and by the tasks queued under them. */
class HandOffsTest {
  private static final CodeSite STARTED = new CodeSite("App.start(App.java:1)", List.of("App"));

  private final HandOffs handOffs = new HandOffs();

  @Test
  void aTaskQueuedUnderAContextCarriesItOnceToTheThreadThatRunsIt() throws Exception {
    Object server = new Object();
    Runnable bind = () -> {};
    Runnable other = () -> {};
    handOffs.put(server, STARTED);

    handOffs.carry(other); // queued with no context: carries nothing
    Object token = handOffs.begin(server);
    handOffs.carry(bind);
    handOffs.end(token);
    assertNull(handOffs.context(), "the submitting thread's context ends with its call");

    Object[] seen = new Object[2];
    Thread loop =
        new Thread(
            () -> {
              seen[0] = handOffs.beginTask(other);
              Object running = handOffs.beginTask(bind);
              seen[1] = handOffs.context();
              handOffs.end(running);
            });
    loop.start();
    loop.join();
    assertNull(seen[0], "a task queued without a context");
    assertSame(STARTED, seen[1], "the loop's thread works for the site while the task runs");
    assertNull(handOffs.beginTask(bind), "carried once");
  }
}
