package com.example.stacks.grpc;

import com.example.stacks.CaseArgs;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * gRPC-java ({@code grpc-netty-shaded}) on its relocated Netty's NIO transport, a channel per call
 * as in {@link GrpcClient}.
 */
public final class GrpcNioClient {
  private GrpcNioClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (EchoGrpcServer server =
        EchoGrpcServer.start(
            options.port(),
            builder ->
                builder
                    .channelType(NioServerSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers))) {
      int status =
          CaseArgs.runCalls("grpc-nio", options.calls(), i -> call(clients, options.port()));
      if (!server.awaitClosed(options.calls(), 5000)) {
        System.err.println("grpc-nio: the server did not end every transport");
        status = 1;
      }
      System.exit(status);
    }
  }

  static void call(EventLoopGroup clients, int port) throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .channelType(NioSocketChannel.class)
            .eventLoopGroup(clients)
            .build();
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
