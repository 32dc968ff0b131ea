package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * The JDK {@code HttpClient}'s plain connection: while {@code connectAsync(exchange)} runs, the
 * socket it connects belongs to that exchange's request.
 */
final class HttpConnectionInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "jdk.internal.net.http.PlainHttpConnection";
  }

  @Override
  public String description() {
    return "java.net.http.HttpClient (PlainHttpConnection): connectAsync";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(ConnectAdvice.class).on(named("connectAsync").and(takesArguments(1)));
  }

  static final class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object exchange) {
      CloseBridge.requestConnectBegin(exchange);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object exchange) {
      CloseBridge.requestConnectEnd(exchange);
    }
  }
}
