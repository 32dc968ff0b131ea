package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import java.io.FileDescriptor;
import java.net.ProtocolFamily;
import java.net.SocketOption;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;

/**
 * {@code sun.nio.ch.Net.getSocketOption}: a close of {@code java.net.Socket} (and of a
 * selector-registered {@code SocketChannel}) reads {@code SO_LINGER} through it right before the
 * {@code shutdown} that sends our FIN. Its exit is the last point to ask the kernel before the FIN;
 * outside a close the event is ignored at once.
 */
final class NetInstrumentation implements JdkInstrumentation {
  @Override
  public String typeName() {
    return "sun.nio.ch.Net";
  }

  @Override
  public String description() {
    return "sun.nio.ch.Net: getSocketOption (SO_LINGER read by a close right before its FIN)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(LingerReadAdvice.class)
        .on(
            named("getSocketOption")
                .and(
                    takesArguments(
                        FileDescriptor.class, ProtocolFamily.class, SocketOption.class)));
  }

  static final class LingerReadAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object fd) {
      CloseBridge.finLeaving(fd);
    }
  }
}
