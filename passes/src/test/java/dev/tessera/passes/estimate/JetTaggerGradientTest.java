package dev.tessera.passes.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.importer.ImportOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.grad.Backprop;
import dev.tessera.ir.grad.Loss;
import dev.tessera.ir.grad.Losses;
import dev.tessera.ir.grad.Reduction;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Gradients through the imported jet tagger with BatchNorm (three_layer_bn_pytorch.onnx: Gemm, Unsqueeze,
 * BatchNorm, Squeeze, Relu, Softmax; batch bound to 4) against central finite differences, for the cross-entropy and
 * the ZeroQ BatchNorm-statistics losses. It lives here because the IR module cannot load ONNX (the
 * importer depends on it); the gradient code itself is dev.tessera.ir.grad.
 */
class JetTaggerGradientTest {

  private static Graph model(String file) {
    String dir = System.getProperty("tessera.sharedModels");
    assumeTrue(dir != null, "system property tessera.sharedModels is not set: skipping the jet tagger gradients");
    Path p = Path.of(dir, "fastmachinelearning_example-models", "onnx", file);
    assumeTrue(Files.exists(p), "model " + p + " is missing: skipping the jet tagger gradients");
    return OnnxImporter.load(p, ImportOptions.batch(4));
  }

  private static NdArray input(Graph g, long seed) {
    long[] shape = g.type(g.inputs().get(0)).shape().sizes(1);
    Random r = new Random(seed);
    double[] d = new double[(int) dev.tessera.ir.Tensor.count(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = 2 * r.nextDouble() - 1;
    }
    return new NdArray(shape, d);
  }

  /** Worst relative error of a claimed gradient against central differences of f, norm-wise and per element. */
  private static double worstError(NdArray x, NdArray grad, java.util.function.ToDoubleFunction<NdArray> f) {
    double scale = 0;
    double[] fd = new double[x.size()];
    for (int i = 0; i < x.size(); i++) {
      double h = 1e-5 * Math.max(1, Math.abs(x.data()[i]));
      double[] p = x.data().clone();
      double[] m = x.data().clone();
      p[i] += h;
      m[i] -= h;
      fd[i] = (f.applyAsDouble(new NdArray(x.shape(), p)) - f.applyAsDouble(new NdArray(x.shape(), m)))
          / (p[i] - m[i]);
      scale = Math.max(scale, Math.max(Math.abs(fd[i]), Math.abs(grad.data()[i])));
    }
    assertTrue(scale > 0, "the gradient is zero everywhere");
    double worst = 0;
    for (int i = 0; i < fd.length; i++) {
      worst = Math.max(worst, Math.abs(fd[i] - grad.data()[i]) / scale);
    }
    return worst;
  }

  @Test
  void pytorchExport() {
    check("three_layer_bn_pytorch.onnx");
  }

  private static void check(String file) {
    Graph g = model(file);
    boolean hasBn = false;
    for (Node n : g.nodes()) {
      hasBn |= n.op() instanceof Op.BatchNorm;
    }
    assertTrue(hasBn, "the model keeps its BatchNorm nodes before folding");
    String in = g.inputs().get(0);
    String out = g.outputs().get(0);
    NdArray x = input(g, 1);
    FloatInterpreter fi = new FloatInterpreter(g);
    Map<String, NdArray> acts = fi.runAll(Map.of(in, x));
    int[] labels = {3, 0, 1, 4};
    Loss ce = Losses.crossEntropy(g, acts, out, labels, Reduction.MEAN);
    assertEquals(Losses.crossEntropyFromProbabilities(acts.get(out), labels, Reduction.MEAN).value(), ce.value(),
        1e-9);
    NdArray gx = Backprop.backward(g, acts, ce.seeds()).get(in);
    double errCe = worstError(x, gx, v -> Losses.crossEntropyFromProbabilities(
        fi.run(Map.of(in, v)).get(out), labels, Reduction.MEAN).value());
    assertTrue(errCe < 1e-6, "cross-entropy gradient: relative error " + errCe);
    Loss bn = Losses.bnStatistics(g, acts);
    NdArray gbn = Backprop.backward(g, acts, bn.seeds()).get(in);
    double errBn = worstError(x, gbn, v -> Losses.bnStatistics(g, fi.runAll(Map.of(in, v))).value());
    assertTrue(errBn < 1e-6, "batchnorm statistics gradient: relative error " + errBn);
    System.out.println(file + ": cross-entropy gradient error " + errCe + ", batchnorm statistics "
        + "gradient error " + errBn + " over " + x.size() + " inputs");
  }
}
