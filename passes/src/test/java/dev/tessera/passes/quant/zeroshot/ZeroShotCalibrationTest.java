package dev.tessera.passes.quant.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Distilled inputs match the stored BatchNorm statistics of a small network. */
class ZeroShotCalibrationTest {

  private static final double[] MEAN = {1.5, -0.5, 0.25};
  private static final double[] VAR = {4.0, 0.25, 1.0};

  /** x [N, 3] -> Dense (3 -> 3, invertible) -> BatchNorm(3) -> Relu -> y. */
  private static Graph net() {
    Graph.Builder b = Graph.builder("bn");
    b.input("x", new TensorType(DType.FLOAT, Shape.batched(3)));
    b.constant("w", Tensor.ofFloats(new long[] {3, 3}, 1.0, 0.5, -1.0, 0.25, 2.0, 1.0, 0.0, -0.5, 1.5));
    b.constant("g", Tensor.ofFloats(new long[] {3}, 1, 1, 1));
    b.constant("be", Tensor.ofFloats(new long[] {3}, 0, 0, 0));
    b.constant("m", Tensor.ofFloats(new long[] {3}, MEAN));
    b.constant("v", Tensor.ofFloats(new long[] {3}, VAR));
    TensorType t3 = new TensorType(DType.FLOAT, Shape.batched(3));
    b.node(new Node("d", new Op.Dense(null), List.of("x", "w"), List.of("a")), t3);
    b.node(new Node("bn", new Op.BatchNorm(1e-5), List.of("a", "g", "be", "m", "v"), List.of("n")), t3);
    b.node(new Node("r", new Op.Relu(), List.of("n"), List.of("y")), t3);
    b.output("y");
    return b.build();
  }

  @Test
  void theDistilledBatchHasTheStoredStatistics() {
    Graph g = net();
    ZeroShotCalibration.Options o = new ZeroShotCalibration.Options(300, 300, 400, 0.05, 7);
    ZeroShotCalibration.Result r = ZeroShotCalibration.generate(g, o, s -> { });
    assertEquals(List.of(300L, 3L), List.of(r.inputs().get("x").shape()[0], r.inputs().get("x").shape()[1]));
    assertTrue(r.finalLoss() < r.initialLoss() / 100, r.initialLoss() + " -> " + r.finalLoss());
    // an invertible layer can give the three channels any mean and variance
    NdArray a = new FloatInterpreter(g).runAll(r.inputs()).get("a");
    for (int c = 0; c < 3; c++) {
      double mu = 0;
      double sq = 0;
      for (int s = 0; s < 300; s++) {
        mu += a.data()[s * 3 + c];
      }
      mu /= 300;
      for (int s = 0; s < 300; s++) {
        double d = a.data()[s * 3 + c] - mu;
        sq += d * d;
      }
      assertEquals(MEAN[c], mu, 0.05, "mean of channel " + c);
      assertEquals(Math.sqrt(VAR[c]), Math.sqrt(sq / 300), 0.05, "deviation of channel " + c);
    }
  }

  @Test
  void theSameSeedGivesTheSameInputsAndBatchesCoverTheCount() {
    ZeroShotCalibration.Options o = new ZeroShotCalibration.Options(51, 25, 20, 0.05, 3);
    NdArray a = ZeroShotCalibration.generate(net(), o, s -> { }).inputs().get("x");
    NdArray b = ZeroShotCalibration.generate(net(), o, s -> { }).inputs().get("x");
    assertArrayEquals(a.data(), b.data(), 0.0);
    assertEquals(51, a.shape()[0]);
    NdArray c = ZeroShotCalibration.generate(net(), o.withSeed(4), s -> { }).inputs().get("x");
    assertTrue(a.data()[0] != c.data()[0]);
  }

  @Test
  void aGraphWithoutBatchNormIsRefused() {
    Graph.Builder b = Graph.builder("plain");
    b.input("x", new TensorType(DType.FLOAT, Shape.batched(2)));
    b.node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), new TensorType(DType.FLOAT, Shape.batched(2)));
    b.output("y");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZeroShotCalibration.generate(b.build(), ZeroShotCalibration.Options.of(10), s -> { }));
    assertTrue(e.getMessage().contains("no BatchNorm node"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ZeroShotCalibration.Options(1, 2, 1, 0.1, 1));
  }
}
