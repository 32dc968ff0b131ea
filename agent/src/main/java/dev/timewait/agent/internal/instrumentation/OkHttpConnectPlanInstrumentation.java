package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * OkHttp 5 connects in {@code ConnectPlan.connectTcp()}, on a task thread with fast fallback: the
 * socket it opens there belongs to the plan's call, whose site was taken when it was made.
 */
final class OkHttpConnectPlanInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return "okhttp3.internal.connection.ConnectPlan";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "call");
  }

  @Override
  public String description() {
    return "OkHttp 5 (okhttp3.internal.connection.ConnectPlan): connectTcp";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(ConnectAdvice.class).on(named("connectTcp").and(takesArguments(0)));
  }

  static final class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.FieldValue("call") Object call) {
      return CloseBridge.contextBegin(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.contextEnd(token);
    }
  }
}
