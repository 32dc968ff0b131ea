package com.example.stacks.grpc;

import com.example.stacks.CaseArgs;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * gRPC-java ({@code grpc-netty-shaded}) with a channel per call, the usual misuse: each call builds
 * a {@code ManagedChannel}, makes one unary call and shuts the channel down. Client and server use
 * the shaded Netty's default transport, its relocated native epoll.
 */
public final class GrpcClient {
  private GrpcClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    try (EchoGrpcServer server = EchoGrpcServer.start(options.port(), UnaryOperator.identity())) {
      int status = CaseArgs.runCalls("grpc-epoll", options.calls(), i -> call(options.port()));
      if (!server.awaitClosed(options.calls(), 5000)) {
        System.err.println("grpc-epoll: the server did not end every transport");
        status = 1;
      }
      System.exit(status);
    }
  }

  static void call(int port) throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      byte[] answer =
          ClientCalls.blockingUnaryCall(
              channel,
              EchoGrpcServer.ECHO,
              CallOptions.DEFAULT,
              "ping".getBytes(StandardCharsets.UTF_8));
      if (answer.length != 4) {
        throw new IllegalStateException("unexpected answer");
      }
    } finally {
      channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
