package com.example.stacks.grpc;

import io.grpc.Attributes;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A gRPC server with one unary method, {@code stacks.Echo/Echo}, on raw bytes (no generated code):
 * it answers with the request.
 */
public final class EchoGrpcServer implements AutoCloseable {
  /** The unary echo method. */
  public static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("stacks.Echo/Echo")
          .setRequestMarshaller(new Bytes())
          .setResponseMarshaller(new Bytes())
          .build();

  private final Server server;
  private final Semaphore closed;

  private EchoGrpcServer(Server server, Semaphore closed) {
    this.server = server;
    this.closed = closed;
  }

  /**
   * Listens on 127.0.0.1:{@code port}; {@code transport} may choose the server's channel type and
   * event loops (the default is the shaded Netty's epoll where it loads).
   */
  public static EchoGrpcServer start(int port, UnaryOperator<NettyServerBuilder> transport)
      throws IOException {
    Semaphore closed = new Semaphore(0);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("stacks.Echo")
            .addMethod(ECHO, ServerCalls.asyncUnaryCall(EchoGrpcServer::echo))
            .build();
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(service)
            .addTransportFilter(
                new ServerTransportFilter() {
                  @Override
                  public void transportTerminated(Attributes transportAttrs) {
                    closed.release();
                  }
                });
    Server server = transport.apply(builder).build().start();
    return new EchoGrpcServer(server, closed);
  }

  static void echo(byte[] request, StreamObserver<byte[]> response) {
    response.onNext(request);
    response.onCompleted();
  }

  /** Waits until {@code connections} server transports have ended, at most {@code millis}. */
  public boolean awaitClosed(int connections, long millis) throws InterruptedException {
    return closed.tryAcquire(connections, millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
  }

  /** Passes bytes through. */
  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
