package dev.tessera.passes.quant.search;

import dev.tessera.ir.interp.NdArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Extra evaluation inputs near the model's decision boundaries: each probe is {@code l a + (1 - l) b} for two
 * calibration samples a, b drawn at random and l uniform in [0, 1) (the same pair and l for every graph input).
 * Calibration samples are often training samples that the model separates with a wide margin; a quantized model
 * that still agrees with the float one on interpolations between them keeps its decisions on unseen data too. The
 * probes stay inside the convex hull of the calibration data, so they add no range the hardware must hold. When the
 * samples of an input lie on a power-of-two grid (pixels / 16, say), the probes are rounded to it, as unseen data
 * would be.
 */
public final class BoundaryProbes {

  private BoundaryProbes() {}

  /** {@code count} probes from {@code data}, reproducible for a seed; no grid. */
  public static Map<String, NdArray> mixup(CalibrationSet data, int count, long seed) {
    return mixup(data, count, seed, Map.of());
  }

  /**
   * As {@link #mixup(CalibrationSet, int, long)}, rounding the probes of an input to multiples of {@code 2^-f}
   * (nearest, ties to even) when {@code grid} gives it {@code f}.
   */
  public static Map<String, NdArray> mixup(CalibrationSet data, int count, long seed, Map<String, Integer> grid) {
    if (count < 1) {
      throw new IllegalArgumentException("probe count " + count + " must be at least 1");
    }
    Random r = new Random(seed);
    int n = data.size();
    int[] a = new int[count];
    int[] b = new int[count];
    double[] l = new double[count];
    for (int s = 0; s < count; s++) {
      a[s] = r.nextInt(n);
      b[s] = r.nextInt(n);
      l[s] = r.nextDouble();
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NdArray> e : data.inputs().entrySet()) {
      NdArray x = e.getValue();
      int per = x.size() / n;
      double[] d = new double[count * per];
      double[] src = x.data();
      for (int s = 0; s < count; s++) {
        int pa = a[s] * per;
        int pb = b[s] * per;
        for (int k = 0; k < per; k++) {
          d[s * per + k] = l[s] * src[pa + k] + (1 - l[s]) * src[pb + k];
        }
      }
      Integer f = grid.get(e.getKey());
      if (f != null) {
        for (int i = 0; i < d.length; i++) {
          d[i] = Math.scalb(Math.rint(Math.scalb(d[i], f)), -f);
        }
      }
      long[] shape = x.shape().clone();
      shape[0] = count;
      out.put(e.getKey(), new NdArray(shape, d));
    }
    return out;
  }
}
