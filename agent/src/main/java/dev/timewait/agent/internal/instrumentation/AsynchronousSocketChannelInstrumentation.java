package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code AsynchronousSocketChannel} on Linux and macOS: the connect starts on the caller's thread
 * ({@code implConnect}) and may complete on another ({@code setConnected}); the close is {@code
 * implClose}.
 */
final class AsynchronousSocketChannelInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.UnixAsynchronousSocketChannelImpl";
  }

  @Override
  public String description() {
    return "java.nio.channels.AsynchronousSocketChannel (UnixAsynchronousSocketChannelImpl):"
        + " implConnect, setConnected, implClose";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(SocketAdvice.ConnectingEnter.class).on(named("implConnect")),
        Advice.to(SocketAdvice.ConnectedExit.class)
            .on(named("setConnected").and(takesArguments(0))),
        Advice.to(SocketAdvice.Close.class).on(named("implClose").and(takesArguments(0))));
  }
}
