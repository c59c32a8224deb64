package dev.tessera.ir.io;

import dev.tessera.ir.interp.NdArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads and writes sample arrays by file extension: {@code .npy} (see {@link Npy}), {@code .csv} and
 * {@code .dat}/{@code .txt} (see {@link TextMatrix}; one sample per row, flattened). Axis 0 is the batch.
 */
public final class ArrayFiles {

  /** The extensions this class understands, for messages. */
  public static final String SUPPORTED = ".npy, .csv, .dat or .txt";

  private ArrayFiles() {
  }

  /** True when the file name has a supported extension. */
  public static boolean isSupported(Path file) {
    return isNpy(file) || TextMatrix.forFile(file) != null;
  }

  /** Reads an array; a text file gives [rows, columns]. */
  public static NdArray read(Path file) throws IOException {
    if (isNpy(file)) {
      return Npy.read(file);
    }
    TextMatrix text = TextMatrix.forFile(file);
    if (text == null) {
      throw new ArrayFormatException(unsupported(file));
    }
    return text.read(file);
  }

  /**
   * Writes an array: {@code .npy} with element type {@code dtype}, text formats one row per index of axis 0 with
   * the shortest decimals that read back to {@code dtype} (float32 or float64).
   */
  public static void write(Path file, NdArray array, NpyDType dtype) throws IOException {
    if (isNpy(file)) {
      Npy.write(file, array, dtype);
      return;
    }
    TextMatrix text = TextMatrix.forFile(file);
    if (text == null) {
      throw new ArrayFormatException(unsupported(file));
    }
    if (dtype != NpyDType.FLOAT32 && dtype != NpyDType.FLOAT64) {
      throw new IllegalArgumentException("text files are written as float32 or float64, not " + dtype);
    }
    text.write(file, array, dtype == NpyDType.FLOAT32);
  }

  /** The message for a file whose extension is not supported. */
  public static String unsupported(Path file) {
    return "'" + file + "' has an unsupported extension; use " + SUPPORTED;
  }

  private static boolean isNpy(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".npy");
  }
}
