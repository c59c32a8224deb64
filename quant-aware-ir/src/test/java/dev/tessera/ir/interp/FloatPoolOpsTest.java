package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.arr;
import static dev.tessera.ir.interp.FloatTestGraphs.assertExact;
import static dev.tessera.ir.interp.FloatTestGraphs.assertShape;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.iota;
import static dev.tessera.ir.interp.FloatTestGraphs.run;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static dev.tessera.ir.interp.FloatTestGraphs.unary;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.op.Op;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MaxPool, AveragePool (with and without padding in the divisor, ceil mode) and the global pools. */
class FloatPoolOpsTest {

  private static final NdArray X55 = plusOne(iota(1, 1, 5, 5));

  private static NdArray plusOne(NdArray a) {
    double[] d = a.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] += 1;
    }
    return new NdArray(a.shape(), d);
  }

  @Test
  void maxPoolTwoByTwo() {
    Graph g = unary(new Op.MaxPool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), s(1, 1)), f(1, 1, 4, 4), f(1, 1, 2, 2));
    assertExact(new double[] {6, 8, 14, 16}, run(g, plusOne(iota(1, 1, 4, 4))));
  }

  @Test
  void maxPoolCeilModeTakesItsSizeFromTheDeclaredOutput() {
    Graph g = unary(new Op.MaxPool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), null), f(1, 1, 5, 5), f(1, 1, 3, 3));
    NdArray y = run(g, X55);
    assertShape(s(1, 1, 3, 3), y);
    assertExact(new double[] {7, 9, 10, 17, 19, 20, 22, 24, 25}, y);
    Graph floor = unary(new Op.MaxPool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), null), f(1, 1, 5, 5), f(1, 1, 2, 2));
    assertExact(new double[] {7, 9, 17, 19}, run(floor, X55));
  }

  @Test
  void maxPoolPaddingNeverWinsAndDilationSkips() {
    // 1-D, kernel 2 dilated by 2, pads 1 and 1: windows (-1,1) (0,2) (1,3) (2,4) (3,5)
    Graph g = unary(new Op.MaxPool(s(2), s(1), s(1), s(1), s(2)), f(1, 1, 5), f(1, 1, 5));
    assertExact(new double[] {1, 4, 1, 5, 1}, run(g, arr(s(1, 1, 5), 3, 1, 4, 1, 5)));
    assertExact(new double[] {-1, -3, -1, -4, -1}, run(g, arr(s(1, 1, 5), -3, -1, -4, -1, -5)));
  }

  @Test
  void averagePoolCountIncludePad() {
    NdArray x = plusOne(iota(1, 1, 3, 3));
    Graph incl = unary(new Op.AveragePool(s(3, 3), s(1, 1), s(1, 1), s(1, 1), true), f(1, 1, 3, 3),
        f(1, 1, 3, 3));
    NdArray a = run(incl, x);
    Graph excl = unary(new Op.AveragePool(s(3, 3), s(1, 1), s(1, 1), s(1, 1), false), f(1, 1, 3, 3),
        f(1, 1, 3, 3));
    NdArray b = run(excl, x);
    // corner: 1 + 2 + 4 + 5 = 12 over 9 or 4 cells; edge (0,1): 1+2+3+4+5+6 = 21 over 9 or 6; centre: 45 / 9
    assertExact(new double[] {12 / 9.0, 21 / 9.0, 16 / 9.0, 27 / 9.0, 5, 33 / 9.0, 24 / 9.0, 39 / 9.0, 28 / 9.0},
        a);
    assertExact(new double[] {3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}, b);
  }

  @Test
  void averagePoolCeilModeDoesNotCountBeyondThePads() {
    for (boolean include : new boolean[] {true, false}) {
      Graph g = unary(new Op.AveragePool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), include), f(1, 1, 5, 5),
          f(1, 1, 3, 3));
      assertExact(new double[] {4, 6, 7.5, 14, 16, 17.5, 21.5, 23.5, 25}, run(g, X55));
    }
  }

  @Test
  void averagePoolOneDimensionalStride() {
    Graph g = unary(new Op.AveragePool(s(2), s(2), s(0), s(0), false), f(2, 1, 4), f(2, 1, 2));
    assertExact(new double[] {0.5, 2.5, 4.5, 6.5}, run(g, iota(2, 1, 4)));
  }

  @Test
  void declaredOutputOutsideFloorAndCeilIsRejected() {
    Graph g = unary(new Op.MaxPool(s(2, 2), s(2, 2), s(0, 0), s(0, 0), null), f(1, 1, 5, 5), f(1, 1, 4, 4));
    NodeException e = assertThrows(NodeException.class, () -> new FloatInterpreter(g).run(Map.of("x", X55)));
    assertTrue(e.getMessage().contains("declared output size [4,4] is neither the floor [2,2] nor the ceil [3,3]"),
        e.getMessage());
  }

  @Test
  void globalPools() {
    NdArray x = iota(2, 2, 2, 2);
    NdArray avg = run(unary(new Op.GlobalAveragePool(), f(2, 2, 2, 2), f(2, 2, 1, 1)), x);
    assertShape(s(2, 2, 1, 1), avg);
    assertExact(new double[] {1.5, 5.5, 9.5, 13.5}, avg);
    NdArray max = run(unary(new Op.GlobalMaxPool(), f(2, 2, 3), f(2, 2, 1)), arr(s(2, 2, 3), -1, -5, -2, 0, 9, 3,
        4, 4, 4, -7, -8, -9));
    assertExact(new double[] {-1, 9, 4, -7}, max);
  }
}
