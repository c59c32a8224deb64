package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.arr;
import static dev.tessera.ir.interp.FloatTestGraphs.assertExact;
import static dev.tessera.ir.interp.FloatTestGraphs.assertShape;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.fb;
import static dev.tessera.ir.interp.FloatTestGraphs.iota;
import static dev.tessera.ir.interp.FloatTestGraphs.run;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static dev.tessera.ir.interp.FloatTestGraphs.shape;
import static dev.tessera.ir.interp.FloatTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reshape, Transpose, Concat, Slice, Pad and Gather. */
class FloatMoveOpsTest {

  @Test
  void reshapeBindsTheBatch() {
    Graph g = unary(new Op.Reshape(), fb(2, 3), fb(6));
    NdArray y = run(g, iota(4, 2, 3));
    assertShape(s(4, 6), y);
    assertExact(iota(24).data(), y);
  }

  @Test
  void reshapeInfersAnUnboundSymbol() {
    Graph g = unary(new Op.Reshape(), fb(4), new TensorType(DType.FLOAT, shape("M", 2)));
    assertShape(s(6, 2), run(g, iota(3, 4)));
  }

  @Test
  void transposeMovesAxes() {
    NdArray y = run(unary(new Op.Transpose(new int[] {1, 0}), f(2, 3), f(3, 2)), iota(2, 3));
    assertExact(new double[] {0, 3, 1, 4, 2, 5}, y);
    NdArray z = run(unary(new Op.Transpose(new int[] {0, 2, 1}), fb(2, 2), fb(2, 2)), iota(2, 2, 2));
    assertExact(new double[] {0, 2, 1, 3, 4, 6, 5, 7}, z);
  }

  @Test
  void concatAlongTheFeatureAxis() {
    Graph g = Graph.builder("t").input("x", fb(1)).input("z", fb(2))
        .node(new Node("n", new Op.Concat(1), List.of("x", "z", "x"), List.of("y")), fb(4)).output("y").build();
    NdArray y = new FloatInterpreter(g).run(Map.of("x", arr(s(2, 1), 7, 8), "z", iota(2, 2))).get("y");
    assertExact(new double[] {7, 0, 1, 7, 8, 2, 3, 8}, y);
  }

  @Test
  void sliceWithStepsNegativeStepsAndTheBatchAxis() {
    Graph g = unary(new Op.Slice(s(1), s(4), new int[] {1}, s(2)), fb(5), fb(2));
    assertExact(new double[] {1, 3, 6, 8}, run(g, iota(2, 5)));
    Graph rev = unary(new Op.Slice(s(4), s(-1), new int[] {1}, s(-2)), fb(5), fb(3));
    assertExact(new double[] {4, 2, 0}, run(rev, iota(1, 5)));
    Graph batch = unary(new Op.Slice(s(1, 0), s(Long.MAX_VALUE, 1), new int[] {0, 1}, null), fb(3),
        new TensorType(DType.FLOAT, shape("M", 1)));
    NdArray y = run(batch, iota(3, 3));
    assertShape(s(2, 1), y);
    assertExact(new double[] {3, 6}, y);
  }

  @Test
  void padConstantReflectEdge() {
    NdArray x = arr(s(1, 3), 1, 2, 3);
    assertExact(new double[] {9, 1, 2, 3, 9, 9},
        run(unary(new Op.Pad(s(0, 1), s(0, 2), Op.PadMode.CONSTANT, 9), f(1, 3), f(1, 6)), x));
    assertExact(new double[] {3, 2, 1, 2, 3, 2, 1},
        run(unary(new Op.Pad(s(0, 2), s(0, 2), Op.PadMode.REFLECT, 0), f(1, 3), f(1, 7)), x));
    assertExact(new double[] {1, 1, 1, 2, 3, 3, 3},
        run(unary(new Op.Pad(s(0, 2), s(0, 2), Op.PadMode.EDGE, 0), f(1, 3), f(1, 7)), x));
    // 2-D constant: a ring of zeros around [[1]]
    assertExact(new double[] {0, 0, 0, 0, 5, 0, 0, 0, 0},
        run(unary(new Op.Pad(s(1, 1), s(1, 1), Op.PadMode.CONSTANT, 0), f(1, 1), f(3, 3)), arr(s(1, 1), 5)));
  }

  @Test
  void padNeedsOneEntryPerAxis() {
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FloatInterpreter(
        unary(new Op.Pad(s(1), s(1), Op.PadMode.CONSTANT, 0), f(1, 3), f(3, 3))));
    assertTrue(e.getMessage().startsWith("node 'n' (Pad): pads must have one begin and one end entry per axis"),
        e.getMessage());
  }

  @Test
  void gatherWithMatrixIndices() {
    // data [3,2], axis 0, indices [[2],[0]] -> [2,1,2]
    Graph g = unary(new Op.Gather(0, s(2, 0), s(2, 1)), f(3, 2), f(2, 1, 2));
    NdArray y = run(g, iota(3, 2));
    assertShape(s(2, 1, 2), y);
    assertExact(new double[] {4, 5, 0, 1}, y);
    Graph cols = unary(new Op.Gather(1, s(1), s()), fb(3), fb());
    assertExact(new double[] {1, 4}, run(cols, iota(2, 3)));
  }
}
