package dev.timewait.agent.internal.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;

/**
 * gRPC's Netty transport, relocated ({@code grpc-netty-shaded}) or not: the objects the application
 * makes on its own thread, and the methods that later do their work on gRPC's threads. Each is made
 * where the application builds its channel or server ({@code ManagedChannelBuilder.build()}, {@code
 * ServerBuilder.build()}), and is the context of that work: a client transport made by the
 * channel's factory on gRPC's executor, its connect ({@code NettyClientTransport.start}), and the
 * server's bind, which {@code NettyServer.start} hands to its boss event loop.
 */
final class GrpcNettyInstrumentation implements LibraryInstrumentation {
  private final String suffix;
  private final String method;
  private final String requiredField;

  private GrpcNettyInstrumentation(String suffix, String method, String requiredField) {
    this.suffix = suffix;
    this.method = method;
    this.requiredField = requiredField;
  }

  /** The channel's transport factory: makes the client transports. */
  static GrpcNettyInstrumentation transportFactory() {
    return new GrpcNettyInstrumentation(
        ".grpc.netty.NettyChannelBuilder$NettyTransportFactory",
        "newClientTransport",
        "protocolNegotiator");
  }

  /** A client transport: connects in {@code start}. */
  static GrpcNettyInstrumentation clientTransport() {
    return new GrpcNettyInstrumentation(
        ".grpc.netty.NettyClientTransport", "start", "remoteAddress");
  }

  /** The server transport: binds in {@code start}. */
  static GrpcNettyInstrumentation server() {
    return new GrpcNettyInstrumentation(".grpc.netty.NettyServer", "start", "addresses");
  }

  @Override
  public String typeSuffix() {
    return suffix;
  }

  @Override
  public boolean matches(TypeDescription type) {
    return LibraryInstrumentation.hasField(type, requiredField);
  }

  @Override
  public String description() {
    return "gRPC Netty (*" + suffix + "): constructor (the code that made it), " + method;
  }

  @Override
  public AsmVisitorWrapper advice() {
    return new AsmVisitorWrapper.Compound(
        Advice.to(MadeAdvice.class).on(isConstructor()),
        Advice.to(WorkAdvice.class).on(named(method)));
  }

  static final class MadeAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object made) {
      CloseBridge.handOff(made);
    }
  }

  static final class WorkAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object self) {
      return CloseBridge.contextBegin(self);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.contextEnd(token);
    }
  }
}
