package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * The close of every descriptor of Netty's native transports (epoll, io_uring, kqueue) and their
 * relocated copies: {@code channel.unix.FileDescriptor.markClosed()} wins once per descriptor (a
 * CAS on {@code state}); within {@code close()} the system call follows right after it, while
 * io_uring queues the close on its ring.
 */
final class NettyFileDescriptorInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return ".channel.unix.FileDescriptor";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "fd")
        && LibraryInstrumentation.hasField(type, "state");
  }

  @Override
  public String description() {
    return "Netty native transports (*.channel.unix.FileDescriptor): markClosed, close";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(MarkClosedAdvice.class)
            .on(named("markClosed").and(takesArguments(0)).and(returns(boolean.class))),
        Advice.to(CloseAdvice.class).on(named("close").and(takesArguments(0))));
  }

  static final class MarkClosedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter(@Advice.FieldValue("state") int state) {
      return state;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Enter int state, @Advice.Return boolean won, @Advice.FieldValue("fd") int fd) {
      if (won) {
        CloseBridge.nativeClosing(fd, state);
      }
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.FieldValue("fd") int fd) {
      return CloseBridge.nativeCloseBegin(fd);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.closed(token);
    }
  }
}
