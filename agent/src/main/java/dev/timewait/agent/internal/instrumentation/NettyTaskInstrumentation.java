package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Netty's event loops run each queued task through {@code AbstractEventExecutor.runTask}: while a
 * task that carries an application site runs, the loop's thread works for that site.
 */
final class NettyTaskInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return ".util.concurrent.AbstractEventExecutor";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return !type.getDeclaredMethods()
        .filter(named("runTask").and(isStatic()).and(takesArguments(1)))
        .isEmpty();
  }

  @Override
  public String description() {
    return "Netty (*.util.concurrent.AbstractEventExecutor): runTask (the site a task carries)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(RunAdvice.class)
        .on(
            named("runTask")
                .and(isStatic())
                .and(takesArguments(1))
                .and(takesArgument(0, Runnable.class)));
  }

  static final class RunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Argument(0) Object task) {
      return CloseBridge.taskBegin(task);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.contextEnd(token);
    }
  }
}
