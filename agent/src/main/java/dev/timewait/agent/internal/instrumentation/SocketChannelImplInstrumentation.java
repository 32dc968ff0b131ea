package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code SocketChannel}, blocking or selector-registered, its {@code socket()} adaptor and streams,
 * and the JDK {@code HttpClient}: {@code sun.nio.ch.SocketChannelImpl}. {@code
 * implCloseSelectableChannel} runs once per channel, also for a close by interrupt.
 */
final class SocketChannelImplInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.SocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.SocketChannel (SocketChannelImpl): connect, finishConnect,"
        + " blockingConnect, shutdownOutput, implCloseSelectableChannel (tryClose,"
        + " implCloseNonBlockingMode)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(ConnectAdvice.class).on(named("connect").and(takesArguments(1))),
        Advice.to(FinishConnectAdvice.class).on(named("finishConnect").and(takesArguments(0))),
        Advice.to(SocketAdvice.ConnectedExit.class).on(named("blockingConnect")),
        Advice.to(SocketAdvice.ShutdownOutput.class)
            .on(named("shutdownOutput").and(takesArguments(0))),
        // tryClose() closes the descriptor unless the channel is registered or in use; a
        // registered channel's close then shuts the output down in implCloseNonBlockingMode()
        Advice.to(TryCloseAdvice.class).on(named("tryClose").and(takesArguments(0))),
        Advice.to(SocketAdvice.FinSentExit.class)
            .on(named("implCloseNonBlockingMode").and(takesArguments(0))),
        Advice.to(SocketAdvice.Close.class)
            .on(named("implCloseSelectableChannel").and(takesArguments(0))));
  }

  static final class TryCloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.finLeaving(self);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self, @Advice.Return boolean closed) {
      if (closed) {
        CloseBridge.descriptorClosed(self);
      }
    }
  }

  static final class ConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @Advice.Return boolean connected,
        @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        if (connected) {
          CloseBridge.opened(self, CloseBridge.CLIENT);
        } else {
          CloseBridge.connecting(self);
        }
      }
    }
  }

  static final class FinishConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.This Object self,
        @Advice.Return boolean connected,
        @Advice.Thrown Throwable thrown) {
      if (thrown == null && connected) {
        CloseBridge.opened(self, CloseBridge.CLIENT);
      }
    }
  }
}
