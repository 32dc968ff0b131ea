package dev.timewait.agent.internal.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.bootstrap.CloseSink;
import dev.timewait.agent.internal.AgentErrors;
import dev.timewait.agent.internal.instrumentation.relocated.channel.unix.FileDescriptor;
import dev.timewait.agent.internal.instrumentation.relocated.channel.unix.Socket;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The library advice, woven by the agent's own transformer into stand-ins shaped like Netty's
 * native sockets in a relocated package: matched by the end of the name, reporting the descriptor
 * and its state before the close.
 */
class LibraryAdviceTest {
  record Event(int event, Object subject, int fd, int arg) {}

  private static final Object TOKEN = "token";
  private final List<Event> events = new ArrayList<>();
  private final AgentErrors errors = new AgentErrors();
  private final AdviceTransformer transformer =
      new AdviceTransformer(List.of(), LibraryInstrumentation.all(), errors, null);

  @BeforeEach
  void installSink() {
    CloseBridge.uninstall();
    CloseBridge.install(
        (CloseSink)
            (event, subject, fd, arg) -> {
              events.add(new Event(event, subject, fd, arg));
              return event == CloseBridge.NATIVE_CLOSE_BEGIN || event == CloseBridge.NATIVE_SHUTDOWN
                  ? TOKEN
                  : null;
            });
  }

  @AfterEach
  void removeSink() {
    CloseBridge.uninstall();
  }

  private byte[] woven(Class<?> type) throws Exception {
    String internal = type.getName().replace('.', '/');
    byte[] original;
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      original = in.readAllBytes();
    }
    return transformer.transform(null, type.getClassLoader(), internal, null, null, original);
  }

  /** Both stand-ins, woven, in a loader of their own. */
  private Class<?> wovenSocket() throws Exception {
    byte[] descriptor = woven(FileDescriptor.class);
    byte[] socket = woven(Socket.class);
    assertNotNull(descriptor, "matched by its name's end: " + errors.count() + " errors");
    assertNotNull(socket);
    ClassLoader loader =
        new ClassLoader(getClass().getClassLoader()) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
              Class<?> c = findLoadedClass(name);
              if (c == null && name.equals(FileDescriptor.class.getName())) {
                c = defineClass(name, descriptor, 0, descriptor.length);
              } else if (c == null && name.equals(Socket.class.getName())) {
                c = defineClass(name, socket, 0, socket.length);
              }
              return c != null ? c : super.loadClass(name, resolve);
            }
          }
        };
    return loader.loadClass(Socket.class.getName());
  }

  @Test
  void otherClassesAreLeftAlone() throws Exception {
    assertNull(woven(LibraryAdviceTest.class));
    assertEquals(0, errors.count());
  }

  @Test
  void aCloseReportsTheDescriptorOnceAndAHalfCloseOnlyWhenItSendsTheFin() throws Exception {
    Class<?> type = wovenSocket();
    Object socket = type.getConstructor(int.class).newInstance(42);
    type.getMethod("shutdown", boolean.class, boolean.class).invoke(socket, true, false);
    type.getMethod("shutdown", boolean.class, boolean.class).invoke(socket, false, true);
    type.getMethod("shutdown", boolean.class, boolean.class).invoke(socket, false, true);
    type.getMethod("close").invoke(socket);
    type.getMethod("close").invoke(socket);

    assertEquals(
        List.of(
            new Event(CloseBridge.NATIVE_SHUTDOWN, null, 42, 0),
            new Event(CloseBridge.SHUTDOWN_OUTPUT_DONE, TOKEN, -1, 0),
            new Event(CloseBridge.NATIVE_CLOSE_BEGIN, null, 42, 0),
            new Event(CloseBridge.NATIVE_CLOSING, null, 42, 2 | 4),
            new Event(CloseBridge.CLOSED, TOKEN, -1, 0),
            new Event(CloseBridge.NATIVE_CLOSE_BEGIN, null, 42, 0),
            new Event(CloseBridge.CLOSED, TOKEN, -1, 0)),
        events);
    assertEquals(1, type.getField("closes").get(socket), "the close itself ran once");
    assertEquals(0, errors.count());
  }
}
