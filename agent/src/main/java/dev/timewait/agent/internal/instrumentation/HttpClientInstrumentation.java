package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * The JDK {@code HttpClient} may open its connections on its own executor threads ({@code
 * sendAsync}), where no application frame is on the stack. Its per-request {@code MultiExchange} is
 * created on the caller's thread: the agent remembers the caller's site there and names it as the
 * open site of the connection made for that request.
 */
final class HttpClientInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "jdk.internal.net.http.MultiExchange";
  }

  @Override
  public String description() {
    return "java.net.http.HttpClient (MultiExchange): the requesting code, for connections opened"
        + " on the client's threads";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(RequestAdvice.class).on(isConstructor());
  }

  static final class RequestAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object request) {
      CloseBridge.requestStarted(request);
    }
  }
}
