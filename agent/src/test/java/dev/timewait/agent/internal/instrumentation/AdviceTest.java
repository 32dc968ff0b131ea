package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.bootstrap.CloseSink;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The advice classes applied in-process to stand-in classes shaped like the JDK's: events reach the
 * sink with the right object and role, and nothing the sink throws reaches the caller.
 */
class AdviceTest {
  /** Shaped like {@code NioSocketImpl}: the methods the advice matches. */
  public static class FakeSocketImpl {
    public boolean closed;

    public void connect(SocketAddress remote, int millis) throws IOException {
      if (remote == null) {
        throw new IOException("refused");
      }
    }

    public void accept(Object accepted) {}

    public void shutdownOutput() {}

    boolean tryClose() {
      return true;
    }

    public void close() {
      tryClose();
      closed = true;
    }
  }

  record Event(int event, Object socket, int role) {}

  private static final Object TOKEN = "token";

  private final List<Event> events = new ArrayList<>();
  private boolean failing;

  @BeforeEach
  void installSink() {
    CloseBridge.uninstall();
    CloseBridge.install(
        (CloseSink)
            (event, socket, fd, role) -> {
              if (failing) {
                throw new IllegalStateException("sink failure");
              }
              events.add(new Event(event, socket, role));
              return event == CloseBridge.CLOSING || event == CloseBridge.SHUTDOWN_OUTPUT
                  ? TOKEN
                  : null;
            });
  }

  @AfterEach
  void removeSink() {
    CloseBridge.uninstall();
  }

  /** A copy of {@link FakeSocketImpl} with the advice, in a loader of its own. */
  private static Object instrumented(AsmVisitorWrapper advice) throws Exception {
    Class<?> type =
        new ByteBuddy()
            .redefine(FakeSocketImpl.class)
            .visit(advice)
            .make()
            .load(
                new ClassLoader(AdviceTest.class.getClassLoader()) {},
                ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded();
    return type.getConstructor().newInstance();
  }

  @Test
  void socketImplAdviceReportsEveryEvent() throws Exception {
    Object socket = instrumented(new NioSocketImplInstrumentation().advice());
    Class<?> type = socket.getClass();
    type.getMethod("connect", SocketAddress.class, int.class)
        .invoke(socket, new java.net.InetSocketAddress(1), 0);
    Object accepted = new Object();
    type.getMethod("accept", Object.class).invoke(socket, accepted);
    type.getMethod("shutdownOutput").invoke(socket);
    type.getMethod("close").invoke(socket);

    assertEquals(
        List.of(
            new Event(CloseBridge.OPENED, socket, CloseBridge.CLIENT),
            new Event(CloseBridge.OPENED, accepted, CloseBridge.SERVER),
            new Event(CloseBridge.SHUTDOWN_OUTPUT, socket, 0),
            new Event(CloseBridge.SHUTDOWN_OUTPUT_DONE, TOKEN, 0),
            new Event(CloseBridge.CLOSING, socket, 0),
            new Event(CloseBridge.FIN_SENT, socket, 0),
            new Event(CloseBridge.CLOSED, TOKEN, 0)),
        events);
  }

  @Test
  void failedConnectIsNotAnOpen() throws Exception {
    Object socket = instrumented(new NioSocketImplInstrumentation().advice());
    try {
      socket
          .getClass()
          .getMethod("connect", SocketAddress.class, int.class)
          .invoke(socket, null, 0);
    } catch (java.lang.reflect.InvocationTargetException expected) {
      assertSame(IOException.class, expected.getCause().getClass());
    }
    assertEquals(List.of(), events);
  }

  @Test
  void aFailingSinkNeverReachesTheApplication() throws Exception {
    failing = true;
    long before = CloseBridge.suppressedErrors();
    Object socket = instrumented(Advice.to(SocketAdvice.Close.class).on(named("close")));
    socket.getClass().getMethod("close").invoke(socket);
    assertEquals(true, socket.getClass().getField("closed").get(socket), "close still ran");
    assertEquals(before + 1, CloseBridge.suppressedErrors());
  }
}
