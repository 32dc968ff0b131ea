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
    return "java.net.Socket (NioSocketImpl): connect, listen, accept, shutdownOutput, close"
        + " (tryClose)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(SocketAdvice.ConnectedExit.class)
            .on(named("connect").and(takesArguments(SocketAddress.class, int.class))),
        Advice.to(SocketAdvice.ListeningExit.class).on(named("listen").and(takesArguments(1))),
        Advice.to(AcceptAdvice.class).on(named("accept").and(takesArguments(1))),
        Advice.to(SocketAdvice.ShutdownOutput.class)
            .on(named("shutdownOutput").and(takesArguments(0))),
        // close() shuts the output down (unless linger is 0), then closes in tryClose()
        Advice.to(SocketAdvice.FinSentEnter.class).on(named("tryClose").and(takesArguments(0))),
        Advice.to(SocketAdvice.Close.class).on(named("close").and(takesArguments(0))));
  }

  static final class AcceptAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object accepted, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(accepted, CloseBridge.SERVER);
      }
    }
  }
}
