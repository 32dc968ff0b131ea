package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * The hand-offs to Netty's event loops: a channel without a parent is made on the application's
 * thread ({@code Bootstrap.connect()}, {@code ServerBootstrap.bind()}), and {@code Channel.close()}
 * is called there, while the connect, the accept and the close run on the event loop. The
 * application's site is taken at both calls and carried with the channel.
 */
final class NettyChannelInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return ".channel.AbstractChannel";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "parent")
        && LibraryInstrumentation.hasField(type, "pipeline");
  }

  @Override
  public String description() {
    return "Netty (*.channel.AbstractChannel): constructor (the code that made the channel)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return Advice.to(MadeAdvice.class).on(isConstructor());
  }

  static final class MadeAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Argument(0) Object parent) {
      if (parent == null) {
        CloseBridge.handOff(channel);
      }
    }
  }
}
