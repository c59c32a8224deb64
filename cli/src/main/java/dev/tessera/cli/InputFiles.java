package dev.tessera.cli;

import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.ArrayFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the files a user names, so that a missing, empty or wrong kind of file gets a clear message. */
final class InputFiles {
  private InputFiles() {
  }

  /** Fails unless {@code file} is an existing, readable, non-empty regular file. */
  static Path requireFile(Path file, String role) {
    if (!Files.exists(file)) {
      throw new UserException(role + " file '" + file + "' does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new UserException(role + " '" + file + "' is a folder, not a file");
    }
    if (!Files.isReadable(file)) {
      throw new UserException(role + " file '" + file + "' is not readable");
    }
    try {
      if (Files.size(file) == 0) {
        throw new UserException(role + " file '" + file + "' is empty");
      }
    } catch (IOException e) {
      throw new UserException("cannot read " + role + " file '" + file + "': " + ErrorReport.describe(e));
    }
    return file;
  }

  /** Reads a sample array (.npy, .csv, .dat, .txt) after the checks of {@link #requireFile}. */
  static NdArray readArray(Path file, String role) throws IOException {
    if (!ArrayFiles.isSupported(file)) {
      throw new UserException(role + " " + ArrayFiles.unsupported(file));
    }
    requireFile(file, role);
    return ArrayFiles.read(file);
  }
}
