package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.ArrayFiles;
import dev.tessera.ir.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Finds the examples and shared models of the quantization tests and reads their .npy and .npz data. */
final class QuantTestData {

  private QuantTestData() {}

  /** examples/physics-triggers/digits (system property tessera.root, else the parent folder); skips when absent. */
  static Path digits() {
    String r = System.getProperty("tessera.root");
    Path root = r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    Path d = root.resolve("examples/physics-triggers/digits");
    assumeTrue(Files.isDirectory(d), "examples folder " + d + " is absent (set -Dtessera.root); skipping");
    return d;
  }

  /** A file under the shared models (system property tessera.sharedModels); skips when absent. */
  static Path shared(String relative) {
    String dir = System.getProperty("tessera.sharedModels");
    assumeTrue(dir != null, "system property tessera.sharedModels is not set; skipping");
    Path p = Path.of(dir).resolve(relative);
    assumeTrue(Files.exists(p), "shared model file " + p + " is absent; skipping");
    return p;
  }

  static NdArray npy(Path p) {
    try {
      return ArrayFiles.read(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /** The arrays of a NumPy .npz archive by name (without the .npy suffix). */
  static Map<String, NdArray> npz(Path p) {
    Map<String, NdArray> m = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(p); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
        String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
            : e.getName();
        m.put(name, Npy.read(z.readAllBytes(), p + ":" + e.getName()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p + ": " + e.getMessage(), e);
    }
    return m;
  }

  static int[] labels(NdArray a) {
    int[] y = new int[a.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = (int) a.data()[i];
    }
    return y;
  }
}
