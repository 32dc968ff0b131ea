package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code java.net.Socket} and {@code ServerSocket} on JDK 13+: {@code sun.nio.ch.NioSocketImpl}.
 */
final class NioSocketImplInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.NioSocketImpl";
  }

  @Override
  public String description() {
    return "java.net.Socket (NioSocketImpl): connect, accept, shutdownOutput, close";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(ConnectAdvice.class)
            .on(named("connect").and(takesArguments(SocketAddress.class, int.class))),
        Advice.to(AcceptAdvice.class).on(named("accept").and(takesArguments(1))),
        Advice.to(ShutdownOutputAdvice.class).on(named("shutdownOutput").and(takesArguments(0))),
        Advice.to(CloseAdvice.class).on(named("close").and(takesArguments(0))));
  }

  static final class ConnectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(self, CloseBridge.CLIENT);
      }
    }
  }

  static final class AcceptAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object accepted, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(accepted, CloseBridge.SERVER);
      }
    }
  }

  static final class ShutdownOutputAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.shutdownOutput(self);
    }
  }

  static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.closing(self);
    }
  }
}
