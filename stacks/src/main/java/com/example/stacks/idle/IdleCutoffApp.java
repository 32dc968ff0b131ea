package com.example.stacks.idle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Pooled HTTP clients that keep connections longer than the server does: a Jetty server that closes
 * connections idle for {@code idleMillis}, and one shared OkHttp client and one shared Apache
 * HttpClient 5, each calling its own port of that server with pauses longer than that. Each
 * client's next call finds its pooled connection closed by the server and connects again.
 *
 * <p>Arguments: {@code okhttpPort apachePort idleMillis pauseMillis calls [--hold]}; with {@code
 * --hold} it waits for a line on standard input after the calls, before it stops the server.
 */
public final class IdleCutoffApp {
  private IdleCutoffApp() {}

  public static void main(String[] args) throws Exception {
    int okhttpPort = Integer.parseInt(args[0]);
    int apachePort = Integer.parseInt(args[1]);
    long idleMillis = Long.parseLong(args[2]);
    long pauseMillis = Long.parseLong(args[3]);
    int calls = Integer.parseInt(args[4]);
    boolean hold = args.length > 5 && args[5].equals("--hold");
    Server server = new Server();
    for (int port : new int[] {okhttpPort, apachePort}) {
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(port);
      connector.setIdleTimeout(idleMillis);
      server.addConnector(connector);
    }
    server.setHandler(new Hello());
    server.start();
    ExecutorService clients = Executors.newFixedThreadPool(2);
    OkHttpClient okhttp = new OkHttpClient();
    try (CloseableHttpClient apache = HttpClients.createDefault()) {
      Future<?> a = clients.submit(() -> callOkHttp(okhttp, okhttpPort, pauseMillis, calls));
      Future<?> b = clients.submit(() -> callApache(apache, apachePort, pauseMillis, calls));
      a.get();
      b.get();
      if (hold) {
        System.out.println("idle-cutoff: calls done");
        System.out.flush();
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
            .readLine();
      }
    } finally {
      clients.shutdown();
      okhttp.dispatcher().executorService().shutdown();
      server.stop();
    }
    System.out.println("idle-cutoff: " + calls + " calls on each client");
  }

  static Void callOkHttp(OkHttpClient client, int port, long pauseMillis, int calls)
      throws IOException, InterruptedException {
    for (int i = 0; i < calls; i++) {
      if (i > 0) {
        Thread.sleep(pauseMillis);
      }
      Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/").build();
      try (Response response = client.newCall(request).execute()) {
        expect(response.body().string());
      }
    }
    return null;
  }

  static Void callApache(CloseableHttpClient client, int port, long pauseMillis, int calls)
      throws IOException, InterruptedException {
    for (int i = 0; i < calls; i++) {
      if (i > 0) {
        Thread.sleep(pauseMillis);
      }
      expect(
          client.execute(
              new HttpGet("http://127.0.0.1:" + port + "/"),
              response -> EntityUtils.toString(response.getEntity())));
    }
    return null;
  }

  private static void expect(String body) throws IOException {
    if (!body.equals("ok")) {
      throw new IOException("unexpected body: " + body);
    }
  }

  /** Answers {@code ok} and keeps the connection open. */
  static final class Hello extends Handler.Abstract {
    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }
}
