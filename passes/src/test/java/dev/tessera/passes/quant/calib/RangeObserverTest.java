package dev.tessera.passes.quant.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.interp.NdArray;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Streaming observers: batches concatenate, channels split along the axis, errors are reported. */
class RangeObserverTest {

  /** NCHW batch whose channel c holds values of magnitude about c + 1 (sign alternating). */
  private static NdArray batch(long seed, int n, int c, int h, int w) {
    double[] g = Distributions.laplace(seed, n * c * h * w, 1);
    double[] d = new double[g.length];
    int i = 0;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int k = 0; k < h * w; k++, i++) {
          d[i] = (ch + 1) * g[i];
        }
      }
    }
    return new NdArray(new long[] {n, c, h, w}, d);
  }

  private static double[] channel(NdArray a, int ch) {
    long[] s = a.shape();
    int c = (int) s[1];
    int inner = (int) (s[2] * s[3]);
    double[] out = new double[(int) s[0] * inner];
    for (int b = 0; b < s[0]; b++) {
      System.arraycopy(a.data(), (b * c + ch) * inner, out, b * inner, inner);
    }
    return out;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  @Test
  void perChannelEqualsTheMethodOnEachChannelsValues() {
    NdArray b1 = batch(1, 4, 3, 5, 5);
    NdArray b2 = batch(2, 2, 3, 5, 5);
    for (CalibrationMethod m : new CalibrationMethod[] {new MinMax(), new Percentile(99), new MseOptimal(4),
        new KlDivergence(6)}) {
      RangeObserver o = RangeObserver.perChannel(m, 1);
      o.observe(b1);
      o.observe(b2);
      Range[] r = o.channelRanges();
      assertEquals(3, r.length);
      for (int ch = 0; ch < 3; ch++) {
        assertEquals(m.range(concat(channel(b1, ch), channel(b2, ch))), r[ch], m.describe() + " channel " + ch);
      }
      assertEquals(150, o.count());
    }
  }

  @Test
  void perTensorConcatenatesBatches() {
    NdArray b1 = batch(3, 2, 4, 3, 3);
    NdArray b2 = batch(4, 1, 4, 3, 3);
    RangeObserver o = RangeObserver.perTensor(new Percentile(99.5));
    o.observe(b1);
    o.observe(b2);
    assertEquals(new Percentile(99.5).range(concat(b1.data(), b2.data())), o.range());
    RangeObserver mm = RangeObserver.perTensor(new MinMax());
    mm.observe(b1);
    mm.observe(b2);
    assertEquals(new MinMax().range(concat(b1.data(), b2.data())), mm.range());
    assertEquals(b1.size() + b2.size(), mm.count());
  }

  @Test
  void lastAxisChannels() {
    double[] d = {1, -10, 2, 20, -3, 30};
    RangeObserver o = RangeObserver.perChannel(new MinMax(), 1);
    o.observe(d, new long[] {3, 2});
    assertArrayEquals(new Range[] {new Range(-3, 2), new Range(-10, 30)}, o.channelRanges());
  }

  @Test
  void errors() {
    RangeObserver o = RangeObserver.perChannel(new MinMax(), 1);
    assertThrows(IllegalStateException.class, o::channelRanges);
    o.observe(new double[6], new long[] {2, 3});
    assertThrows(IllegalArgumentException.class, () -> o.observe(new double[4], new long[] {2, 2}));
    assertThrows(IllegalArgumentException.class, () -> o.observe(new double[5], new long[] {2, 3}));
    assertThrows(IllegalStateException.class, o::range);
    RangeObserver p = RangeObserver.perTensor(new Percentile(99));
    assertThrows(IllegalArgumentException.class, () -> p.observe(new double[] {1, Double.NaN}, new long[] {2}));
    RangeObserver q = RangeObserver.perTensor(new MinMax());
    assertThrows(IllegalArgumentException.class, () -> q.observe(new double[] {Double.NaN}, new long[] {1}));
    assertThrows(IllegalArgumentException.class, () -> RangeObserver.perChannel(new MinMax(), 3)
        .observe(new double[2], new long[] {2}));
    assertThrows(IllegalArgumentException.class, () -> RangeObserver.perChannel(new MinMax(), -1));
  }
}
