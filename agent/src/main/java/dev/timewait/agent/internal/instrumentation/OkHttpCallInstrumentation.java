package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * OkHttp's hand-off: a call ({@code OkHttpClient.newCall()}) is made on the application's thread,
 * and then connects on OkHttp's task threads ({@code fastFallback}) or the dispatcher's ({@code
 * enqueue}). The application's site is taken when the call is made.
 */
final class OkHttpCallInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return "okhttp3.internal.connection.RealCall";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return true;
  }

  @Override
  public String description() {
    return "OkHttp (okhttp3.internal.connection.RealCall): constructor (the calling code)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(MadeAdvice.class).on(isConstructor());
  }

  static final class MadeAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object call) {
      CloseBridge.handOff(call);
    }
  }
}
