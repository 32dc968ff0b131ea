package dev.timewait.agent.internal.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotRequestsTest {

  @TempDir Path tmp;

  @Test
  void theFolderIsPrivateAndARequestIsAnsweredWithAPrivateFile() throws Exception {
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    Path folder = requests.folder();
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    assertTrue(
        folder
            .getFileName()
            .toString()
            .startsWith(".timewait-" + ProcessHandle.current().pid() + "-"));
    assertEquals(0, requests.answer(() -> "{}"), "nothing asked");

    Files.createFile(folder.resolve("00ff.request"));
    assertEquals(1, requests.answer(() -> "{\"a\":1}"));
    Path answer = folder.resolve("00ff.json");
    assertEquals("{\"a\":1}", Files.readString(answer));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(answer)));
    assertFalse(Files.exists(folder.resolve("00ff.request")), "the request is taken");
  }

  @Test
  void aRequestThatIsALinkOrNamesAPathIsDroppedUnanswered() throws Exception {
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    Path folder = requests.folder();
    Path elsewhere = Files.createFile(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(folder.resolve("abcd.request"), elsewhere);
    Files.createFile(folder.resolve("..x.request"));
    Files.createFile(folder.resolve("ABCD.request"));
    assertEquals(0, requests.answer(() -> "{}"));
    assertFalse(Files.exists(folder.resolve("abcd.json"), LinkOption.NOFOLLOW_LINKS));
    try (var left = Files.list(folder)) {
      assertEquals(0, left.count(), "dropped, not kept for the next round");
    }
    assertTrue(Files.exists(elsewhere));
  }

  @Test
  void aFolderRemovedFromOutsideIsMadeAgainPrivateAndAnswers() throws Exception {
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    Path folder = requests.folder();
    Files.delete(folder);
    assertEquals(0, requests.answer(() -> "{}"), "nothing asked, and no error");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    Files.createFile(folder.resolve("0a.request"));
    assertEquals(1, requests.answer(() -> "{}"));
    requests.close();
    assertEquals(0, requests.answer(() -> "{}"));
    assertFalse(Files.exists(folder), "not made again once closed");
  }

  @Test
  void aFolderRemovedWhileARequestIsAnsweredIsNoError() throws Exception {
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    Path folder = requests.folder();
    Files.createFile(folder.resolve("0b.request"));
    // as at the JVM's exit, when the folder goes while the agent's thread answers
    int answered =
        requests.answer(
            () -> {
              requests.close();
              return "{}";
            });
    assertEquals(0, answered);
    assertFalse(Files.exists(folder), "closed: not made again");
  }

  @Test
  void closeRemovesTheFolderAndWhatIsInIt() throws Exception {
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    Files.createFile(requests.folder().resolve("1.json"));
    requests.close();
    assertFalse(Files.exists(requests.folder()));
  }

  @Test
  void foldersOfJvmsThatHaveGoneAreRemovedAndOthersKept() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path stale = Files.createDirectory(tmp.resolve(".timewait-" + gone.pid() + "-ab"));
    Files.createFile(stale.resolve("1.json"));
    Path earlierSelf =
        Files.createDirectory(tmp.resolve(".timewait-" + ProcessHandle.current().pid() + "-cd"));
    Path running =
        Files.createDirectory(
            tmp.resolve(".timewait-" + ProcessHandle.current().parent().get().pid() + "-ef"));
    Path other = Files.createDirectory(tmp.resolve(".timewait-x"));
    SnapshotRequests requests = SnapshotRequests.open(tmp);
    assertFalse(Files.exists(stale));
    assertFalse(Files.exists(earlierSelf), "this pid's folder from before this JVM");
    assertTrue(Files.exists(running));
    assertTrue(Files.exists(other));
    assertTrue(Files.exists(requests.folder()));
  }
}
