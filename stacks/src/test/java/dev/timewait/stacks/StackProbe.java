package dev.timewait.stacks;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.BooleanValue;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.Field;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.InvalidStackFrameException;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectCollectedException;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.ListeningConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Records the thread and the whole stack of every connect, accept and close a case makes, without
 * the agent: runs the case's JVM under the JDK's debugger interface with breakpoints on the methods
 * that make those system calls, the JDK's and Netty's native ones (relocated copies included).
 *
 * <p>Usage: {@code StackProbe OUT -- java ARGS...}; writes one event per line to {@code OUT}:
 * {@code kind TAB thread TAB frame|frame|...}, innermost frame first, and exits with the child's
 * status.
 */
public final class StackProbe {
  /** Where each event happens: a class name (a leading {@code *} matches a suffix) and methods. */
  private record Target(String classPattern, String method, String kind) {}

  private static final List<Target> TARGETS =
      List.of(
          new Target("sun.nio.ch.NioSocketImpl", "connect", "connect"),
          new Target("sun.nio.ch.NioSocketImpl", "accept", "accept"),
          new Target("sun.nio.ch.NioSocketImpl", "close", "close"),
          new Target("sun.nio.ch.SocketChannelImpl", "connect", "connect"),
          new Target("sun.nio.ch.SocketChannelImpl", "implCloseSelectableChannel", "close"),
          new Target("sun.nio.ch.ServerSocketChannelImpl", "accept", "accept"),
          new Target("*.channel.unix.Socket", "connect", "connect"),
          new Target("*.channel.unix.Socket", "accept", "accept"),
          new Target("*.channel.unix.FileDescriptor", "close", "close"),
          new Target("*.channel.uring.AbstractIoUringChannel", "submitConnect", "connect"),
          new Target("*.channel.uring.AbstractIoUringChannel", "doClose", "close"),
          new Target("*.channel.uring.IoUringServerSocketChannel", "newChildChannel", "accept"));

  private StackProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || !args[1].equals("--")) {
      System.err.println("usage: StackProbe OUT -- java ARGS...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    List<String> command = new ArrayList<>(Arrays.asList(args).subList(2, args.length));

    ListeningConnector connector = null;
    for (ListeningConnector candidate : Bootstrap.virtualMachineManager().listeningConnectors()) {
      if (candidate.name().equals("com.sun.jdi.SocketListen")) {
        connector = candidate;
      }
    }
    if (connector == null) {
      throw new IllegalStateException("no com.sun.jdi.SocketListen connector");
    }
    Map<String, Connector.Argument> arguments = connector.defaultArguments();
    arguments.get("localAddress").setValue("127.0.0.1");
    arguments.get("port").setValue("0");
    String address = connector.startListening(arguments);
    command.add(1, "-agentlib:jdwp=transport=dt_socket,server=n,suspend=y,address=" + address);
    Process child = new ProcessBuilder(command).inheritIO().start();
    VirtualMachine vm = connector.accept(arguments);
    connector.stopListening(arguments);

    try (PrintWriter events =
        new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      for (String pattern : TARGETS.stream().map(Target::classPattern).distinct().toList()) {
        ClassPrepareRequest request = vm.eventRequestManager().createClassPrepareRequest();
        request.addClassFilter(pattern);
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
      }
      for (ReferenceType type : vm.allClasses()) {
        breakOn(vm, type);
      }
      vm.resume();
      loop(vm, events);
    }
    if (!child.waitFor(60, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      System.exit(3);
    }
    System.exit(child.exitValue());
  }

  /** Handles events until the child's JVM ends. */
  private static void loop(VirtualMachine vm, PrintWriter events) throws InterruptedException {
    try {
      while (true) {
        EventSet set = vm.eventQueue().remove();
        for (Event event : set) {
          if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
            return;
          }
          if (event instanceof ClassPrepareEvent prepared) {
            breakOn(vm, prepared.referenceType());
          } else if (event instanceof BreakpointEvent hit) {
            record(hit, events);
          }
        }
        set.resume();
      }
    } catch (VMDisconnectedException exited) {
      // the child ended while an event was handled
    }
  }

  private static void breakOn(VirtualMachine vm, ReferenceType type) {
    for (Target target : TARGETS) {
      if (!matches(target.classPattern(), type.name())) {
        continue;
      }
      for (Method method : type.methodsByName(target.method())) {
        if (method.isAbstract() || method.isNative() || method.location() == null) {
          continue;
        }
        BreakpointRequest request =
            vm.eventRequestManager().createBreakpointRequest(method.location());
        request.putProperty("kind", target.kind());
        request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        request.enable();
      }
    }
  }

  private static boolean matches(String pattern, String name) {
    return pattern.startsWith("*") ? name.endsWith(pattern.substring(1)) : name.equals(pattern);
  }

  private static void record(BreakpointEvent hit, PrintWriter events) {
    String kind = (String) hit.request().getProperty("kind");
    ThreadReference thread = hit.thread();
    try {
      List<StackFrame> frames = thread.frames();
      if (!isConnection(kind, frames)) {
        return;
      }
      StringBuilder line = new StringBuilder(kind).append('\t').append(thread.name()).append('\t');
      for (int i = 0; i < frames.size(); i++) {
        line.append(i == 0 ? "" : "|").append(format(frames.get(i)));
      }
      events.println(line);
    } catch (IncompatibleThreadStateException
        | InvalidStackFrameException
        | ObjectCollectedException e) {
      // the thread moved on, or an object on its stack went, while the frames were read
      events.println(kind + "\t" + thread.name() + "\t(stack not readable: " + e + ")");
    }
  }

  /**
   * Whether the event is a connection's: the object the method runs on is no listening socket
   * (unless it accepts) and none of Netty's other descriptors (epoll, eventfd, timerfd), and no
   * server channel closes it.
   */
  private static boolean isConnection(String kind, List<StackFrame> frames) {
    ObjectReference self = frames.get(0).thisObject();
    if (self == null) {
      return true;
    }
    if (!kind.equals("accept")) {
      for (int i = 1; i < frames.size() && i < 6; i++) {
        ObjectReference caller = frames.get(i).thisObject();
        if (caller != null && caller.referenceType().name().contains("ServerSocketChannel")) {
          return false;
        }
      }
    }
    String type = self.referenceType().name();
    if (type.endsWith(".FileDescriptor")
        || type.contains("ServerSocketChannel") && !kind.equals("accept")) {
      return false;
    }
    if (type.contains("channel.unix") || type.contains("channel.uring.LinuxSocket")) {
      return type.endsWith("Socket");
    }
    Field server = self.referenceType().fieldByName("server");
    if (server != null && self.getValue(server) instanceof BooleanValue value) {
      return !value.value() || kind.equals("accept");
    }
    return true;
  }

  private static String format(StackFrame frame) {
    com.sun.jdi.Location location = frame.location();
    String source;
    try {
      source = location.sourceName() + ":" + location.lineNumber();
    } catch (AbsentInformationException e) {
      source = "Unknown Source";
    }
    return location.declaringType().name() + "." + location.method().name() + "(" + source + ")";
  }
}
