package dev.timewait.agent.internal.instrumentation;

import dev.timewait.agent.bootstrap.CloseBridge;
import net.bytebuddy.asm.Advice;

/**
 * The advice shared by the socket instrumentations. Byte Buddy inlines it into the JDK methods:
 * each piece only hands the socket to {@link CloseBridge}, and nothing it throws reaches the
 * caller.
 */
final class SocketAdvice {
  private SocketAdvice() {}

  /** A connect that returned normally: this JVM is the client. */
  static final class ConnectedExit {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(self, CloseBridge.CLIENT);
      }
    }
  }

  /** A connect that may complete later, on another thread: remember the caller's site. */
  static final class ConnectingEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.connecting(self);
    }
  }

  /** An accept that returns the accepted socket: this JVM is the server. */
  static final class AcceptedReturnExit {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Return Object accepted, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.opened(accepted, CloseBridge.SERVER);
      }
    }
  }

  /** {@code shutdownOutput}: our FIN leaves while the socket stays open. */
  static final class ShutdownOutputEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.shutdownOutput(self);
    }
  }

  /** A close: judged at entry, before the JDK sends anything. */
  static final class CloseEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.closing(self);
    }
  }
}
