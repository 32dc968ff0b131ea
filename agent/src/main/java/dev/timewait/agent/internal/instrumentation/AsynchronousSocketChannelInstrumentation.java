package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code AsynchronousSocketChannel} on Linux and macOS: the connect starts on the caller's thread
 * ({@code implConnect}) and may complete on another ({@code setConnected}); the close is {@code
 * implClose}.
 */
final class AsynchronousSocketChannelInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.AsynchronousSocketChannel (UnixAsynchronousSocketChannelImpl):"
        + " implConnect, setConnected, implClose";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(ConnectAdvice.class).on(named("implConnect")),
        Advice.to(ConnectedAdvice.class).on(named("setConnected").and(takesArguments(0))),
        Advice.to(CloseAdvice.class).on(named("implClose").and(takesArguments(0))));
  }

  static final class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.connecting(self);
    }
  }

  static final class ConnectedAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(self, CloseBridge.CLIENT);
      }
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.closing(self);
    }
  }
}
