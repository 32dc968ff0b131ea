package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * Channels accepted by a {@code ServerSocketChannel} (and its {@code socket()} adaptor): both
 * {@code accept()} and {@code blockingAccept} end in {@code finishAccept}.
 */
final class ServerSocketChannelImplInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.ServerSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.ServerSocketChannel (ServerSocketChannelImpl): finishAccept";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(SocketAdvice.AcceptedReturnExit.class).on(named("finishAccept"));
  }
}
