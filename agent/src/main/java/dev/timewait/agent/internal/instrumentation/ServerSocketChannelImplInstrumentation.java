package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * Channels accepted by a {@code ServerSocketChannel} (and its {@code socket()} adaptor): both
 * {@code accept()} and {@code blockingAccept} end in {@code finishAccept}. {@code bind} names the
 * code that started the server, the open site of connections accepted on a server's own threads.
 */
final class ServerSocketChannelImplInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.ServerSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.ServerSocketChannel (ServerSocketChannelImpl): bind, finishAccept";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(SocketAdvice.ListeningExit.class).on(named("bind").and(takesArguments(2))),
        Advice.to(SocketAdvice.AcceptedReturnExit.class).on(named("finishAccept")));
  }
}
