package com.example.stacks.http;

import com.example.stacks.CaseArgs;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Apache HttpClient 5 with a client per call: closing the client closes its connection. */
public final class ApacheCaller {
  private ApacheCaller() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    try (LoopbackHttpServer server = LoopbackHttpServer.start(options.port())) {
      int status =
          CaseArgs.runCalls("apache-httpclient5", options.calls(), i -> call(options.port()));
      System.exit(server.awaitClosed(options.calls()) ? status : 1);
    }
  }

  static void call(int port) throws IOException {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      String body =
          client.execute(
              new HttpGet("http://127.0.0.1:" + port + "/"),
              response -> EntityUtils.toString(response.getEntity()));
      if (!body.equals("ok")) {
        throw new IOException("unexpected body");
      }
    }
  }
}
