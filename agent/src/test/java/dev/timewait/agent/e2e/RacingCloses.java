package dev.timewait.agent.e2e;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a child JVM with the agent: closes that race the peer's, as PostgreSQL's JDBC driver does
 * (it sends Terminate, and the server exits on it while the driver closes its socket). Each call
 * writes one byte and closes at once; the server closes as soon as it has read the byte. Which FIN
 * leaves first varies from call to call. Prints {@code call client=IP:PORT server=IP:PORT} for
 * each.
 *
 * <p>Arguments: {@code socket} or {@code channel}, and the number of calls.
 */
public final class RacingCloses {
  private RacingCloses() {}

  public static void main(String[] args) throws Exception {
    boolean channel = args[0].equals("channel");
    int calls = Integer.parseInt(args[1]);
    ExecutorService peer = Executors.newSingleThreadExecutor();
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < calls; i++) {
        Future<?> served =
            peer.submit(
                () -> {
                  try (Socket s = server.accept();
                      InputStream in = s.getInputStream()) {
                    in.read();
                  }
                  return null;
                });
        String client = channel ? terminateChannel(server) : terminateSocket(server);
        served.get(10, TimeUnit.SECONDS);
        System.out.println(
            "call client="
                + client
                + " server="
                + endpoint((InetSocketAddress) server.getLocalSocketAddress()));
      }
    } finally {
      peer.shutdownNow();
    }
    System.out.println("done");
  }

  static String endpoint(InetSocketAddress a) {
    String ip = a.getAddress().getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }

  static String terminateSocket(ServerSocket server) throws Exception {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    OutputStream out = socket.getOutputStream();
    out.write('X');
    out.flush();
    String local = endpoint((InetSocketAddress) socket.getLocalSocketAddress());
    socket.close();
    return local;
  }

  static String terminateChannel(ServerSocket server) throws Exception {
    SocketChannel socket = SocketChannel.open(server.getLocalSocketAddress());
    socket.write(ByteBuffer.wrap(new byte[] {'X'}));
    String local = endpoint((InetSocketAddress) socket.getLocalAddress());
    socket.close();
    return local;
  }
}
