package dev.timewait.agent.internal.hook;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Reads a Netty channel, of any relocated copy of Netty, without linking to Netty: its descriptor
 * number (native transports through the public {@code UnixChannel.fd()}, the NIO transport through
 * its JDK channel) and its parent (the listening channel of an accepted one). The accessors are
 * found once per channel class and kept in a {@link ClassValue}.
 */
final class NettyChannels {
  private static final MethodType FD = MethodType.methodType(int.class, Object.class);
  private static final MethodType OBJECT = MethodType.methodType(Object.class, Object.class);

  private final LazyJdkSockets jdk;

  private final ClassValue<Accessors> accessors =
      new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
          return Accessors.of(type);
        }
      };

  NettyChannels(LazyJdkSockets jdk) {
    this.jdk = jdk;
  }

  /** The channel's descriptor number, or -1 (not a socket channel, or not open). */
  int fd(Object channel) throws Throwable {
    Accessors a = accessors.get(channel.getClass());
    if (a.nativeFd != null) {
      return (int) a.nativeFd.invokeExact(channel);
    }
    if (a.javaChannel != null) {
      Object javaChannel = (Object) a.javaChannel.invokeExact(channel);
      JdkSockets sockets = jdk.get();
      return javaChannel == null ? -1 : sockets.fdNumber(sockets.fd(javaChannel));
    }
    return -1;
  }

  /** Whether the channel uses a native transport (epoll, io_uring, kqueue). */
  boolean isNative(Object channel) {
    return accessors.get(channel.getClass()).nativeFd != null;
  }

  /** The listening channel that accepted this one, or null. */
  Object parent(Object channel) throws Throwable {
    MethodHandle parent = accessors.get(channel.getClass()).parent;
    return parent == null ? null : (Object) parent.invokeExact(channel);
  }

  private static final class Accessors {
    static final Accessors NONE = new Accessors(null, null, null);

    final MethodHandle nativeFd;
    final MethodHandle javaChannel;
    final MethodHandle parent;

    Accessors(MethodHandle nativeFd, MethodHandle javaChannel, MethodHandle parent) {
      this.nativeFd = nativeFd;
      this.javaChannel = javaChannel;
      this.parent = parent;
    }

    static Accessors of(Class<?> type) {
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        Class<?> channel = anInterface(type, ".channel.Channel");
        MethodHandle parent =
            channel == null
                ? null
                : lookup
                    .findVirtual(channel, "parent", MethodType.methodType(channel))
                    .asType(OBJECT);
        Class<?> unix = anInterface(type, ".channel.unix.UnixChannel");
        if (unix != null) {
          Method fdMethod = unix.getMethod("fd");
          Class<?> descriptor = fdMethod.getReturnType();
          MethodHandle fd =
              MethodHandles.filterReturnValue(
                  lookup.findVirtual(unix, "fd", MethodType.methodType(descriptor)),
                  lookup.findVirtual(descriptor, "intValue", MethodType.methodType(int.class)));
          return new Accessors(fd.asType(FD), null, parent);
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
          if (c.getName().endsWith(".channel.nio.AbstractNioChannel")) {
            Method m = c.getDeclaredMethod("javaChannel");
            MethodHandle javaChannel =
                MethodHandles.privateLookupIn(c, MethodHandles.lookup()).unreflect(m);
            return new Accessors(null, javaChannel.asType(OBJECT), parent);
          }
        }
        return new Accessors(null, null, parent);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return NONE; // a Netty we do not know, or a named module that keeps its internals closed
      }
    }

    private static Class<?> anInterface(Class<?> type, String suffix) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        for (Class<?> i : c.getInterfaces()) {
          Class<?> found = withSuffix(i, suffix);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }

    private static Class<?> withSuffix(Class<?> type, String suffix) {
      if (type.getName().endsWith(suffix)) {
        return type;
      }
      for (Class<?> i : type.getInterfaces()) {
        Class<?> found = withSuffix(i, suffix);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
  }
}
