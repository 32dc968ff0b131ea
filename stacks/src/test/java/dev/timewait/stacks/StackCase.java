package dev.timewait.stacks;

import dev.timewait.core.snapshot.Role;
import java.util.List;
import java.util.Map;

/**
 * One library driven by a small application in a child JVM.
 *
 * @param id short name, e.g. {@code netty-epoll}
 * @param library what the table calls it
 * @param mainClass the application's main class, on the case class path
 * @param bootCase the fat jar's case argument when it runs from the Spring Boot jar, else null
 * @param server which server the application talks to
 * @param ownMethods per role, the application's methods ({@code package.Class.method}) that must
 *     name each close as its close site or open site
 * @param minJdk the oldest JDK feature release the case runs on
 * @param knownGaps checks today's agent fails on this case, with the reason
 */
record StackCase(
    String id,
    String library,
    String mainClass,
    String bootCase,
    Server server,
    Map<Role, List<String>> ownMethods,
    int minJdk,
    Map<Check, String> knownGaps) {

  /** Where the case's server runs. */
  enum Server {
    /** In the case's JVM: both ends of every connection are the JVM's. */
    IN_JVM,
    /** A PostgreSQL server the suite started. */
    POSTGRES,
    /** A redis-server the suite started. */
    REDIS
  }

  StackCase {
    ownMethods = Map.copyOf(ownMethods);
    knownGaps = Map.copyOf(knownGaps);
  }

  /** Whether the frame ({@code Class.method(File.java:12)}) is one of the role's own methods. */
  boolean isOwn(Role role, String frame) {
    if (frame == null) {
      return false;
    }
    for (String method : ownMethods.getOrDefault(role, List.of())) {
      if (frame.startsWith(method + "(")) {
        return true;
      }
    }
    return false;
  }
}
