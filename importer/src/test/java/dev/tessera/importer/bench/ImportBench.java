package dev.tessera.importer.bench;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Import + shape-check time of shared models in a warm JVM (median of timed runs after warm-up). Not a test:
 * run with {@code java -cp <test classpath> dev.tessera.importer.bench.ImportBench [models folder] [runs]}.
 */
public final class ImportBench {

  private ImportBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : System.getProperty("tessera.sharedModels", "../shared/models"));
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 31;
    String[] models = {
        "fastmachinelearning_example-models/onnx/dense_big_keras.onnx",
        "cms-data_RecoHGCal-TICL/ticlv4/onnx_models/energy_id_v0.onnx",
    };
    for (String rel : models) {
      Path p = root.resolve(rel);
      long bytes = Files.size(p);
      Graph g = null;
      for (int i = 0; i < 20; i++) {
        g = OnnxImporter.load(p);
      }
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        g = OnnxImporter.load(p);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      Arrays.sort(ms);
      System.out.printf(Locale.ROOT, "%-70s %8d bytes %4d nodes: median %.2f ms (min %.2f, max %.2f, %d runs)%n",
          rel, bytes, g.nodes().size(), ms[runs / 2], ms[0], ms[runs - 1], runs);
    }
  }
}
