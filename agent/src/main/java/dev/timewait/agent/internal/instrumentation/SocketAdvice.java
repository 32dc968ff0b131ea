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

  /** A listener bound, or listening: the code that started the server. */
  static final class ListeningExit {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self, @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        CloseBridge.listening(self);
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

  /**
   * {@code shutdownOutput}: our FIN leaves while the socket stays open; judged by the kernel's
   * state right after it.
   */
  static final class ShutdownOutput {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object self) {
      return CloseBridge.shutdownOutput(self);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.shutdownOutputDone(token);
    }
  }

  /**
   * A close: the connection is found and marked at entry; the kernel is asked as close to the FIN
   * as the class allows (see the other events); the site is named and the close recorded at exit,
   * once the FIN has left.
   */
  static final class Close {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object self) {
      return CloseBridge.closing(self);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token) {
      CloseBridge.closed(token);
    }
  }

  /** The close is about to close the descriptor, which sends our FIN. */
  static final class FinLeavingEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.finLeaving(self);
    }
  }

  /** The close sent our FIN with a {@code shutdown} of its own and still holds the descriptor. */
  static final class FinSentEnter {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object self) {
      CloseBridge.finSent(self);
    }
  }

  /** As {@link FinSentEnter}, at the exit of the method that made the {@code shutdown}. */
  static final class FinSentExit {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object self) {
      CloseBridge.finSent(self);
    }
  }
}
