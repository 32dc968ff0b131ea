package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Netty's event loops queue tasks in {@code SingleThreadEventExecutor.execute(Runnable, boolean)},
 * which {@code execute}, {@code lazyExecute} and {@code submit} all go through: a task queued by a
 * thread that works for an application site carries it to the loop ({@link
 * NettyTaskInstrumentation} runs them).
 */
final class NettyExecutorInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return ".util.concurrent.SingleThreadEventExecutor";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "taskQueue");
  }

  @Override
  public String description() {
    return "Netty (*.util.concurrent.SingleThreadEventExecutor): execute (the submitting code's"
        + " site travels with the task)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(SubmitAdvice.class)
        .on(
            named("execute")
                .and(takesArguments(2))
                .and(takesArgument(0, Runnable.class))
                .and(takesArgument(1, boolean.class)));
  }

  static final class SubmitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object task) {
      CloseBridge.taskSubmitted(task);
    }
  }
}
