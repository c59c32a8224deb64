package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Tensor;
import dev.tessera.passes.GraphEdit;
import dev.tessera.passes.PassContext;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Quantizes the constants of a float graph into raw-integer constants of a new graph: each (constant, type) pair once,
 * under the constant's own name for its first type and a derived name for any other. Values that overflow their type
 * are reported as a warning naming the user (e.g. {@code node 'fc1' (Gemm)}), the role and the largest magnitude.
 */
final class ConstantQuantizer {
  private final Graph in;
  private final Graph.Builder out;
  private final PassContext ctx;
  private final Map<String, Map<FixedType, String>> done = new HashMap<>();

  ConstantQuantizer(Graph in, Graph.Builder out, PassContext ctx) {
    this.in = in;
    this.out = out;
    this.ctx = ctx;
  }

  /** The name of constant {@code name} quantized to {@code t} in the new graph. */
  String quantize(String name, FixedType t, String user, String role) {
    Map<FixedType, String> byType = done.computeIfAbsent(name, k -> new HashMap<>());
    String have = byType.get(t);
    if (have != null) {
      return have;
    }
    Tensor c = in.constant(name);
    Tensor q = c.isFixed() ? requantize(c, t) : fromValues(c, t, user, role);
    String newName = byType.isEmpty() && !out.types().containsKey(name) ? name
        : GraphEdit.freshName(out, name + "_" + t.toString().replaceAll("[^A-Za-z0-9]+", "_"));
    out.constant(newName, q);
    byType.put(t, newName);
    return newName;
  }

  /** A constant of the new graph. */
  Tensor tensor(String newName) {
    return out.constants().get(newName);
  }

  /** Adds a new constant from doubles under a fresh name. */
  String add(String base, FixedType t, long[] shape, double[] values, String user, String role) {
    Tensor q = quantizeValues(t, shape, values, user, role);
    return GraphEdit.addConstant(out, base, q);
  }

  private Tensor fromValues(Tensor c, FixedType t, String user, String role) {
    return quantizeValues(t, c.shape(), c.values(), user, role);
  }

  private Tensor quantizeValues(FixedType t, long[] shape, double[] v, String user, String role) {
    if (!t.fitsLong()) {
      throw new IllegalArgumentException(user + ": " + role + " type " + t
          + " is wider than 64 bits; constants must fit 64 bits");
    }
    FixedType unbounded = new FixedType(true, FixedType.MAX_WIDTH, FixedType.MAX_WIDTH - t.fractionBits(),
        t.rounding(), Overflow.WRAP);
    long[] raw = new long[v.length];
    int over = 0;
    double worst = 0;
    for (int i = 0; i < v.length; i++) {
      BigInteger exact = unbounded.fromDouble(v[i]);
      if (exact.compareTo(t.minRaw()) < 0 || exact.compareTo(t.maxRaw()) > 0) {
        over++;
        worst = Math.max(worst, Math.abs(v[i]));
      }
      raw[i] = t.quantize(exact, t.fractionBits()).longValueExact();
    }
    if (over > 0) {
      String end = t.overflow() == Overflow.WRAP ? "wrap around" : "saturate";
      ctx.warn(String.format(Locale.ROOT, "%s: %d of %d %s values lie outside the range [%s, %s] of %s and %s "
          + "(largest magnitude %s); widen Precision.%s", user, over, v.length, role, t.minValue(),
          t.maxValue(), t, end, worst, role));
    }
    return Tensor.ofRaw(t, shape, raw);
  }

  private static Tensor requantize(Tensor c, FixedType t) {
    FixedType from = (FixedType) c.type();
    long[] raw = new long[c.size()];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = t.quantize(c.raw()[i], from.fractionBits());
    }
    return Tensor.ofRaw(t, c.shape(), raw);
  }
}
