package dev.timewait.agent.internal.background;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where {@code timewait} asks the running agent for its snapshot, without loading anything into the
 * JVM and without a listening socket: a folder of the JVM's temp folder, mode 0700, so that only
 * the JVM's user and root can put a request there (the attach mechanism's own check). A request is
 * an empty file {@code TOKEN.request}; the agent's thread answers it with {@code TOKEN.json}, mode
 * 0600, written whole. The folder's name has a random part: the command learns it from the JVM's
 * agent properties, over the attach channel.
 */
final class SnapshotRequests {
  private static final String PREFIX = ".timewait-";
  private static final String REQUEST = ".request";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path folder;
  private volatile boolean closed;

  private SnapshotRequests(Path folder) {
    this.folder = folder;
  }

  /**
   * Makes the folder in {@code tempDir}, first removing this user's folders of JVMs that have gone
   * (killed before they could remove theirs, as the JVM does with its {@code hsperfdata} files).
   */
  static SnapshotRequests open(Path tempDir) throws IOException {
    removeStale(tempDir);
    String name =
        PREFIX
            + ProcessHandle.current().pid()
            + "-"
            + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    Path folder =
        Files.createDirectory(
            tempDir.resolve(name),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    folder.toFile().deleteOnExit(); // empty by then unless a command left a file
    return new SnapshotRequests(folder);
  }

  /**
   * Folders of a pid that no longer runs, or of this pid before this JVM (a container's pid 1 of an
   * earlier run), owned by this user.
   */
  private static void removeStale(Path tempDir) {
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // this JVM's user
      for (Path entry : entries) {
        String rest = entry.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        boolean gone = pid == self || ProcessHandle.of(pid).isEmpty();
        if (gone
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
            && Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(uid)) {
          new SnapshotRequests(entry).close();
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: an old folder stays
    }
  }

  Path folder() {
    return folder;
  }

  /** Answers every request waiting in the folder; how many. */
  int answer(Supplier<String> snapshot) throws IOException {
    if (closed) {
      return 0;
    }
    try {
      return answerAll(snapshot);
    } catch (NoSuchFileException | NotDirectoryException e) {
      // the folder went while it was read (removed from outside, or at the JVM's exit): the next
      // call makes it again unless it was closed
      return 0;
    }
  }

  private int answerAll(Supplier<String> snapshot) throws IOException {
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      // removed from outside (a temp cleaner, or another JVM that took the pid for gone): the
      // agent properties still name it, so it is made again
      Files.createDirectory(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return 0;
    }
    List<String> tokens = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*" + REQUEST)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String token = name.substring(0, name.length() - REQUEST.length());
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && isToken(token)) {
          tokens.add(token);
        }
        Files.deleteIfExists(entry);
      }
    }
    if (!tokens.isEmpty()) {
      String json = snapshot.get();
      for (String token : tokens) {
        SnapshotFile.writePrivately(folder.resolve(token + ".json"), json);
      }
    }
    return tokens.size();
  }

  /** Hex digits only: a request names no path. */
  private static boolean isToken(String token) {
    if (token.isEmpty() || token.length() > 64) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Removes the folder and what is left in it. */
  void close() {
    closed = true;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    } catch (IOException e) {
      // gone already
    }
    try {
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      // a file appeared meanwhile: the JVM's exit removes what it can
    }
  }
}
