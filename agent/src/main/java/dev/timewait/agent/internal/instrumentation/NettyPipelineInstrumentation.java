package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * A Netty channel of any transport becomes active: {@code DefaultChannelPipeline.fireChannelActive}
 * runs once a client channel connected and once an accepted channel is registered. A native
 * channel's connection is tracked from here; an NIO channel's open site is corrected to the code
 * that made the channel. {@code Channel.close()} goes through the pipeline's {@code close()} on the
 * caller's thread, while the close itself runs on the event loop: the caller's site is taken there.
 */
final class NettyPipelineInstrumentation implements LibraryInstrumentation {
  @Override
  public String typeSuffix() {
    return ".channel.DefaultChannelPipeline";
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, "channel");
  }

  @Override
  public String description() {
    return "Netty (*.channel.DefaultChannelPipeline): fireChannelActive, close (the calling code)";
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(ActiveAdvice.class).on(named("fireChannelActive").and(takesArguments(0))),
        Advice.to(CloseAdvice.class)
            .on(named("close").and(isPublic()).and(takesArguments(0).or(takesArguments(1)))));
  }

  static final class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("channel") Object channel) {
      CloseBridge.closeRequested(channel);
    }
  }

  static final class ActiveAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("channel") Object channel) {
      CloseBridge.channelActive(channel);
    }
  }
}
