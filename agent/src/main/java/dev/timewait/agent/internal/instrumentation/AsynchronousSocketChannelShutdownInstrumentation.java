package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
    return Advice.to(SocketAdvice.ShutdownOutput.class)
        .on(named("shutdownOutput").and(takesArguments(0)));
  }
}
