package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/** Half-close of an {@code AsynchronousSocketChannel}: its shared base class. */
final class AsynchronousSocketChannelShutdownInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.AsynchronousSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.AsynchronousSocketChannel (AsynchronousSocketChannelImpl):"
        + " shutdownOutput";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(ShutdownOutputAdvice.class).on(named("shutdownOutput").and(takesArguments(0)));
  }

  static final class ShutdownOutputAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.shutdownOutput(self);
    }
  }
}
