package dev.timewait.agent.internal.instrumentation;

import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Advice for one class of a library, found by the end of its name in whatever class loader loads
 * it, so that relocated copies ({@code io.grpc.netty.shaded.io.netty.channel.unix.Socket}) are
 * woven too. The advice refers to JDK types and the boot bridge only.
 */
public interface LibraryInstrumentation {
  /** The end of the binary name, from a package boundary: {@code .channel.unix.Socket}. */
  String typeSuffix();

  /** Whether a class with that name is the one meant (it has the fields the advice reads). */
  boolean matches(TypeDescription type);

  /** The advice applied to the class's methods. */
  AsmVisitorWrapper advice();

  /** What the advice covers, shown by the Agent MBean. */
  String description();

  /** Every library class the agent knows. */
  static List<LibraryInstrumentation> all() {
    return List.of(
        new NettyFileDescriptorInstrumentation(),
        new NettySocketInstrumentation(),
        new NettyPipelineInstrumentation(),
        new NettyChannelInstrumentation(),
        new NettyExecutorInstrumentation(),
        new NettyTaskInstrumentation(),
        GrpcNettyInstrumentation.transportFactory(),
        GrpcNettyInstrumentation.clientTransport(),
        GrpcNettyInstrumentation.server(),
        new OkHttpCallInstrumentation(),
        new OkHttpConnectPlanInstrumentation());
  }

  /** Whether {@code type} or a superclass declares a field {@code name}. */
  static boolean hasField(TypeDescription type, String name) {
    for (TypeDescription t = type; t != null; ) {
      if (!t.getDeclaredFields()
          .filter(net.bytebuddy.matcher.ElementMatchers.named(name))
          .isEmpty()) {
        return true;
      }
      TypeDescription.Generic superType = t.getSuperClass();
      t = superType == null ? null : superType.asErasure();
    }
    return false;
  }
}
