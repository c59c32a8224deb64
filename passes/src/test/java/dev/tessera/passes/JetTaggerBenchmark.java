package dev.tessera.passes;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Single-threaded throughput of the fixed-point interpreter on the imported hls4ml jet tagger at fixed<16,6>. Not a
 * test: run {@code main} with the path of three_layer_keras.onnx; it prints samples per second, whole batches and one
 * sample per call, after a warm-up.
 */
public final class JetTaggerBenchmark {

  private JetTaggerBenchmark() {}

  public static void main(String[] args) {
    Graph g = OnnxImporter.load(Path.of(args[0]));
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse("fixed<16,6>")))
        .run(g, PassContext.create());
    FixedInterpreter fi = new FixedInterpreter(q);
    String in = q.inputs().get(0);
    int n = 10_000;
    NdArray x = JetTaggerEndToEndTest.randomInputs(n, 16, 7);
    for (int round = 0; round < 6; round++) {
      long t0 = System.nanoTime();
      fi.run(Map.of(in, x));
      double batch = n / ((System.nanoTime() - t0) / 1e9);
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        fi.run(Map.of(in, x.slice0(i, i + 1)));
      }
      double single = n / ((System.nanoTime() - t1) / 1e9);
      System.out.printf(Locale.ROOT, "round %d: batch of %d %.0f samples/s, one sample per call %.0f samples/s%n",
          round, n, batch, single);
    }
  }
}
