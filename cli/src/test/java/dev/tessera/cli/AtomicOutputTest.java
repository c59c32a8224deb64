package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and folders appear complete or not at all. */
class AtomicOutputTest {
  @TempDir
  Path dir;

  @Test
  void filesAppearOnlyOnCommit() throws IOException {
    Path a = dir.resolve("a.txt");
    Path b = dir.resolve("b.txt");
    Files.writeString(b, "old");
    try (AtomicOutput out = new AtomicOutput()) {
      Files.writeString(out.file(a), "A");
      Files.writeString(out.file(b), "B");
      assertEquals(List.of("b.txt"), Cli.listing(dir).stream().filter(n -> !n.startsWith(".")).toList());
      assertEquals("old", Files.readString(b));
      out.commit();
    }
    assertEquals(List.of("a.txt", "b.txt"), Cli.listing(dir));
    assertEquals("A", Files.readString(a));
    assertEquals("B", Files.readString(b));
  }

  @Test
  void anAbortedWriteLeavesNothing() throws IOException {
    Path a = dir.resolve("a.txt");
    Files.writeString(a, "old");
    assertThrows(IllegalStateException.class, () -> {
      try (AtomicOutput out = new AtomicOutput()) {
        Files.writeString(out.file(a), "half");
        Path f = out.folder(dir.resolve("proj"));
        Files.writeString(f.resolve("x.v"), "module");
        throw new IllegalStateException("failed midway");
      }
    });
    assertEquals(List.of("a.txt"), Cli.listing(dir));
    assertEquals("old", Files.readString(a));
  }

  @Test
  void aFolderReplacesTheOldOneWhole() throws IOException {
    Path proj = Files.createDirectories(dir.resolve("proj"));
    Files.writeString(proj.resolve("stale.v"), "old");
    try (AtomicOutput out = new AtomicOutput()) {
      Path f = out.folder(proj);
      Files.createDirectories(f.resolve("src"));
      Files.writeString(f.resolve("src/top.v"), "new");
      out.commit();
    }
    assertEquals(List.of("proj"), Cli.listing(dir));
    assertEquals(List.of("src"), Cli.listing(proj));
    assertEquals("new", Files.readString(proj.resolve("src/top.v")));
  }

  @Test
  void targetChecks() throws IOException {
    assertTrue(assertThrows(UserException.class, () -> AtomicOutput.checkTarget(dir, "output")).getMessage()
        .endsWith("is a folder; give a file name"));
    assertTrue(assertThrows(UserException.class,
        () -> AtomicOutput.checkTarget(dir.resolve("x/y.npy"), "output")).getMessage().endsWith("does not exist"));
    assertEquals(dir.resolve("y.npy"), AtomicOutput.checkTarget(dir.resolve("y.npy"), "output"));
  }
}
