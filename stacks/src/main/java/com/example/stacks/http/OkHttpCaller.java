package com.example.stacks.http;

import com.example.stacks.CaseArgs;
import java.io.IOException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp 5 with a client per call (the usual misuse): each call builds an {@code OkHttpClient},
 * makes one request and drops the client's pool, which closes the connection.
 */
public final class OkHttpCaller {
  private OkHttpCaller() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    try (LoopbackHttpServer server = LoopbackHttpServer.start(options.port())) {
      int status = CaseArgs.runCalls("okhttp", options.calls(), i -> call(options.port()));
      System.exit(server.awaitClosed(options.calls()) ? status : 1);
    }
  }

  static void call(int port) throws IOException {
    OkHttpClient client = new OkHttpClient();
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/").build();
    try (Response response = client.newCall(request).execute()) {
      if (!response.body().string().equals("ok")) {
        throw new IOException("unexpected body");
      }
    } finally {
      client.connectionPool().evictAll();
      client.dispatcher().executorService().shutdown();
    }
  }
}
