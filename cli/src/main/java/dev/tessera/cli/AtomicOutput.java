package dev.tessera.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Output that is never half-written. Each target file or folder is first written as a hidden temporary sibling
 * ({@code .tessera-<random>-<name>} in the same folder, so on the same file system), and {@link #commit()} moves all of them into place with atomic renames.
 * Closing without a commit deletes the temporaries, so a failed command leaves nothing behind.
 *
 * <pre>{@code
 * try (AtomicOutput out = new AtomicOutput()) {
 *   Npy.write(out.file(target), array, NpyDType.FLOAT32);
 *   out.commit();
 * }
 * }</pre>
 */
public final class AtomicOutput implements AutoCloseable {
  /** Temporaries of every open instance, deleted by a shutdown hook if the JVM is stopped (Ctrl-C) mid-write. */
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Path p : PENDING) {
        try {
          deleteRecursively(p);
        } catch (IOException | RuntimeException e) {
          // best effort while the JVM stops: a hidden .tessera-* temporary may remain
        }
      }
    }, "tessera-cleanup"));
  }

  private final Map<Path, Path> staged = new LinkedHashMap<>();
  private boolean committed;

  /** Checks that a file can be created at {@code target}: its folder exists and it is not a folder itself. */
  public static Path checkTarget(Path target, String role) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new UserException(role + " '" + target + "' is a folder; give a file name");
    }
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserException("cannot write " + role + " '" + target + "': folder '"
          + (parent == null ? "/" : parent) + "' does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw new UserException("cannot write " + role + " '" + target + "': folder '" + parent
          + "' is not writable");
    }
    return abs;
  }

  /** A new temporary file next to {@code target}; write it completely, then {@link #commit()}. */
  public Path file(Path target) throws IOException {
    Path abs = stageKey(target);
    // hidden, and ending with the target's name so that writers choosing a format by extension still do
    Path tmp = Files.createTempFile(abs.getParent(), ".tessera-", "-" + abs.getFileName());
    staged.put(abs, tmp);
    PENDING.add(tmp);
    return tmp;
  }

  /** A new empty temporary folder next to {@code target}; fill it, then {@link #commit()}. */
  public Path folder(Path target) throws IOException {
    Path abs = stageKey(target);
    Path tmp = Files.createTempDirectory(abs.getParent(), ".tessera-" + abs.getFileName() + "-");
    staged.put(abs, tmp);
    PENDING.add(tmp);
    return tmp;
  }

  private Path stageKey(Path target) {
    if (committed) {
      throw new IllegalStateException("output already committed");
    }
    Path abs = target.toAbsolutePath().normalize();
    if (staged.containsKey(abs)) {
      throw new IllegalArgumentException("output '" + target + "' is staged twice");
    }
    if (abs.getParent() == null) {
      throw new UserException("cannot write to the file system root");
    }
    return abs;
  }

  /**
   * Moves every staged file and folder into place. A file replaces an existing file atomically; a folder replaces an
   * existing folder by renaming the old one aside first and deleting it after the new one is in place.
   */
  public void commit() throws IOException {
    if (committed) {
      throw new IllegalStateException("output already committed");
    }
    List<Path> oldFolders = new ArrayList<>();
    for (Map.Entry<Path, Path> e : staged.entrySet()) {
      Path target = e.getKey();
      Path tmp = e.getValue();
      if (Files.isDirectory(tmp)) {
        if (Files.exists(target)) {
          if (!Files.isDirectory(target)) {
            throw new UserException("output folder '" + target + "' exists as a file");
          }
          Path old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
          Files.delete(old);
          move(target, old);
          oldFolders.add(old);
        }
        move(tmp, target);
      } else {
        move(tmp, target);
      }
      PENDING.remove(tmp);
    }
    committed = true;
    for (Path old : oldFolders) {
      deleteRecursively(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the temporaries that were not committed. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    for (Path tmp : staged.values()) {
      deleteRecursively(tmp);
      PENDING.remove(tmp);
    }
    staged.clear();
  }

  /** Deletes a file or a folder tree if it exists. */
  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) {
          throw exc;
        }
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
