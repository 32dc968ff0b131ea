package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * The half-close of Netty's native sockets: {@code channel.unix.Socket.shutdown(read, write)} sends
 * our FIN when it shuts the output of a descriptor neither closed nor shut for output yet (state
 * bits 1 and 4); the kernel's state right after it tells whose FIN was first.
 */
final class NettySocketInstrumentation implements LibraryInstrumentation {
  static final int CLOSED_OR_OUTPUT_SHUT = 1 | 4;

  @Override
  public String typeSuffix() {
    return ".channel.unix.Socket";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "fd")
        && LibraryInstrumentation.hasField(type, "state");
  }

  @Override
  public String description() {
    return "Netty native transports (*.channel.unix.Socket): shutdown";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(ShutdownAdvice.class)
        .on(named("shutdown").and(takesArguments(boolean.class, boolean.class)));
  }

  static final class ShutdownAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(
        @Advice.Argument(1) boolean write,
        @Advice.FieldValue("state") int state,
        @Advice.FieldValue("fd") int fd) {
      return write && (state & CLOSED_OR_OUTPUT_SHUT) == 0 ? CloseBridge.nativeShutdown(fd) : null;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.shutdownOutputDone(token);
      }
    }
  }
}
