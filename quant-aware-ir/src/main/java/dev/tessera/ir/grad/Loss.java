package dev.tessera.ir.grad;

import dev.tessera.ir.interp.NdArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scalar loss of a graph's tensors and its partial derivatives with respect to them, ready to be passed as the
 * seeds of {@link Backprop#backward}.
 *
 * @param value the loss
 * @param seeds tensor name to dL/d(tensor)
 */
public record Loss(double value, Map<String, NdArray> seeds) {

  public Loss {
    seeds = Collections.unmodifiableMap(new LinkedHashMap<>(seeds));
  }

  /** The sum of two losses (seeds on the same tensor add up). */
  public Loss plus(Loss other) {
    Map<String, NdArray> m = new LinkedHashMap<>(seeds);
    for (Map.Entry<String, NdArray> e : other.seeds.entrySet()) {
      m.merge(e.getKey(), e.getValue(), Loss::add);
    }
    return new Loss(value + other.value, m);
  }

  /** The loss times a constant factor. */
  public Loss scaled(double factor) {
    Map<String, NdArray> m = new LinkedHashMap<>();
    for (Map.Entry<String, NdArray> e : seeds.entrySet()) {
      double[] d = e.getValue().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] *= factor;
      }
      m.put(e.getKey(), new NdArray(e.getValue().shape(), d));
    }
    return new Loss(value * factor, m);
  }

  static NdArray add(NdArray a, NdArray b) {
    double[] d = a.data().clone();
    double[] e = b.data();
    if (d.length != e.length) {
      throw new IllegalArgumentException("cannot add gradients of " + a + " and " + b);
    }
    for (int i = 0; i < d.length; i++) {
      d[i] += e[i];
    }
    return new NdArray(a.shape(), d);
  }
}
