package dev.timewait.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ChildJvmTest {

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void linesGoBothWaysAndEveryLineIsKept(Jdk jdk) throws Exception {
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .property("child.greeting", "hello")
            .mainClass(ChildApp.class)
            .args("echo")
            .start()) {
      assertEquals("hello", child.awaitValue("ready"));
      child.send("one");
      child.send("two");
      assertEquals("echoed two", child.awaitLine("echoed t"), "skips lines to the next match");
      child.send("exit");

      assertEquals(List.of("ready hello", "echoed one", "echoed two", "bye"), child.finish(60));
      assertEquals("", child.stderr());
      assertFalse(child.isAlive());
    }
  }

  @Test
  void theCommandIsTheJdksJavaWithTheMainClassFolderFirst() {
    List<String> command =
        ChildJvm.on(Jdk.current())
            .agent(Path.of("/a.jar"), "x=1")
            .agent(Path.of("/b.jar"), "")
            .classPath(Path.of("/extra"))
            .mainClass(ChildApp.class)
            .args("echo")
            .command();

    assertEquals(
        List.of(
            Jdk.current().java().toString(),
            "-javaagent:/a.jar=x=1",
            "-javaagent:/b.jar",
            "-cp",
            ChildJvm.codeSource(ChildApp.class) + ":/extra",
            ChildApp.class.getName(),
            "echo"),
        command);
  }

  @Test
  void aFailingChildIsReportedWithItsStderr() throws Exception {
    try (ChildJvm child = ChildJvm.builder().mainClass(ChildApp.class).args("fail").start()) {
      IllegalStateException failed =
          assertThrows(IllegalStateException.class, () -> child.finish(60));
      assertTrue(failed.getMessage().contains("child exited 3"), failed.getMessage());
      assertTrue(failed.getMessage().contains("failing on purpose"), failed.getMessage());
      IOException ended = assertThrows(IOException.class, () -> child.awaitLine("ready"));
      assertTrue(ended.getMessage().contains("ended before printing 'ready'"), ended.getMessage());
    }
  }

  @Test
  void aHungChildIsKilledAfterItsTimeoutWithAThreadDump() throws Exception {
    try (ChildJvm child =
        ChildJvm.builder()
            .mainClass(ChildApp.class)
            .args("hang")
            .timeout(Duration.ofSeconds(3))
            .start()) {
      IOException ended = assertThrows(IOException.class, () -> child.awaitLine("never"));

      assertFalse(child.isAlive());
      assertTrue(
          ended.getMessage().contains("killed after its timeout of 3 s"), ended.getMessage());
      assertTrue(ended.getMessage().contains("ChildApp.main"), "the dump: " + ended.getMessage());
    }
  }

  @Test
  void waitsForAFileTheChildWrites(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out.txt");
    try (ChildJvm child =
        ChildJvm.builder().mainClass(ChildApp.class).args("write", file.toString()).start()) {
      child.awaitFile(file, 60_000);

      assertEquals("written", Files.readString(file));
      child.kill();
      assertFalse(child.isAlive());
    }
  }
}
