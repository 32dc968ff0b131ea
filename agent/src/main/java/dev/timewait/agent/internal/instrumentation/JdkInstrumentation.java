package dev.timewait.agent.internal.instrumentation;

import java.util.List;
import net.bytebuddy.asm.AsmVisitorWrapper;

/** Advice for one JDK class: which class, which methods, and what path it covers. */
public interface JdkInstrumentation {
  /** Binary name of the instrumented class. */
  String typeName();

  /** The advice applied to the class's methods. */
  AsmVisitorWrapper advice();

  /** What the advice covers, shown by the Agent MBean. */
  String description();

  /** Every close path the agent knows. */
  static List<JdkInstrumentation> all() {
    return List.of(
        new NioSocketImplInstrumentation(),
        new NetInstrumentation(),
        new SocketChannelImplInstrumentation(),
        new ServerSocketChannelImplInstrumentation(),
        new AsynchronousSocketChannelInstrumentation(),
        new AsynchronousSocketChannelShutdownInstrumentation(),
        new AsynchronousServerSocketChannelInstrumentation(),
        new HttpClientInstrumentation(),
        new HttpConnectionInstrumentation());
  }
}
