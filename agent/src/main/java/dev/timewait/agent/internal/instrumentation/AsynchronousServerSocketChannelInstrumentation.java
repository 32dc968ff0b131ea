package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/** Channels accepted by an {@code AsynchronousServerSocketChannel}. */
final class AsynchronousServerSocketChannelInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.UnixAsynchronousServerSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.AsynchronousServerSocketChannel"
        + " (UnixAsynchronousServerSocketChannelImpl): finishAccept";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(SocketAdvice.AcceptedReturnExit.class).on(named("finishAccept"));
  }
}
