package dev.tessera.passes.prune;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The example models and their data (examples/physics-triggers), for tests and the benchmark. */
final class PruneExamples {

  private PruneExamples() {}

  /** The examples folder, or null when it cannot be found. */
  static Path root() {
    String r = System.getProperty("tessera.root");
    Path base = r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize();
    Path p = base.resolve("examples/physics-triggers");
    return Files.isDirectory(p) ? p : null;
  }

  static Graph model(String relative) {
    return OnnxImporter.load(root().resolve(relative));
  }

  static PruneData data(Graph g, String inputs, String labels) throws IOException {
    NdArray x = Npy.read(root().resolve(inputs));
    int[] y = null;
    if (labels != null) {
      double[] v = Npy.read(root().resolve(labels)).data();
      y = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        y[i] = (int) v[i];
      }
    }
    return new PruneData(Map.of(g.inputs().get(0), x), y);
  }
}
