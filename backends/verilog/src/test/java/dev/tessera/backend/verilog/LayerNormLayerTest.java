package dev.tessera.backend.verilog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.intops.IntLayerNorm;
import dev.tessera.ir.intops.IntSqrt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The schedule of the RTL layer normalization: the fixed number of Newton updates from the constant start reaches
 * {@link IntSqrt}'s result for every normalized {@code N} tried, and the generated pipeline has the documented
 * latency for many shapes and parameters (the RTL itself is simulated in the sim module's RtlLayerNormTest).
 */
class LayerNormLayerTest {

  /** The square-root steps as the RTL computes them: x1 from the constant start, then min(x, (x + N/x) >> 1). */
  private static BigInteger unrolledSqrt(BigInteger n, int tb) {
    BigInteger x = BigInteger.ONE.shiftLeft(tb - 1).add(n.shiftRight(tb + 1));
    for (int s = 2; s <= LayerNormLayer.sqrtSteps(tb); s++) {
      BigInteger y = x.add(n.divide(x)).shiftRight(1);
      x = y.min(x);
    }
    return x;
  }

  @Test
  void unrolledNewtonStepsEqualTheReferenceSquareRoot() {
    Random r = new Random(5);
    for (int tb = 4; tb <= 52; tb++) {
      BigInteger lo = BigInteger.ONE.shiftLeft(2 * tb - 2);
      BigInteger hi = BigInteger.ONE.shiftLeft(2 * tb);
      List<BigInteger> ns = new ArrayList<>(List.of(lo, lo.add(BigInteger.ONE), hi.subtract(BigInteger.ONE),
          lo.multiply(BigInteger.TWO), lo.multiply(BigInteger.valueOf(3))));
      for (int k = 0; k < 1500; k++) {
        BigInteger v = new BigInteger(2 * tb - 2, r).add(lo.multiply(BigInteger.valueOf(r.nextInt(3))));
        if (k % 3 == 0) {
          // around perfect squares, where floor(sqrt) changes
          BigInteger s = IntSqrt.floorSqrt(v).add(BigInteger.ONE);
          v = s.multiply(s).subtract(BigInteger.valueOf(r.nextInt(3)));
        }
        if (v.compareTo(lo) >= 0 && v.compareTo(hi) < 0) {
          ns.add(v);
        }
      }
      for (BigInteger n : ns) {
        assertEquals(IntSqrt.floorSqrt(n), unrolledSqrt(n, tb), "Tb = " + tb + ", N = " + n);
      }
    }
  }

  @Test
  void pipelineLatencyIsTheDocumentedFormula() {
    // type, row length, Fo, eps
    Object[][] cases = {{"fixed<10,4>", 1, 16, 0.0}, {"fixed<10,4>", 2, 1, 1e-5}, {"ufixed<6,2>", 3, 8, 0.5},
        {"fixed<3,2>", 5, 32, 0.0}, {"fixed<24,8>", 8, 16, 1e-5}, {"fixed<10,4>", 9, 8, 0.0},
        {"ufixed<6,2>", 24, 4, 1e-3}, {"fixed<16,6>", 64, 12, 1e-5}, {"fixed<8,8>", 100, 2, 0.0}};
    for (Object[] c : cases) {
      FixedType tx = FixedType.parse((String) c[0]);
      int n = (Integer) c[1];
      int fo = (Integer) c[2];
      IntLayerNorm ln = new IntLayerNorm(fo, (Double) c[3]);
      TensorDesc in = TensorDesc.full(tx, new long[] {2, n});
      LayerRtl l = LayerNormLayer.build("ln", "ln", in, n, ln, ln.outputType(n), new long[] {2, n});
      int tb = fo + IntLayerNorm.magnitudeBits(n) + 3;
      int levels = n == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
      int tree = Math.max(1, (levels + 2) / 3);
      int want = 1 + tree + 2 + 2 + 1 + (IntSqrt.maxIterations(2 * tb) - 2) * (tb + 2) + (tb + 2) + 3;
      assertEquals(want, l.latency(), c[0] + " n = " + n + " Fo = " + fo);
      assertEquals(LayerNormLayer.latency(n, fo), l.latency());
    }
  }
}
