package dev.tessera.sim.rtl;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.util.List;
import java.util.Random;

/** Small quantized graphs built by hand (types and raw constants set directly) for the RTL layer tests. */
final class RtlGraphs {
  private final Graph.Builder b;
  private final Random rng;
  private String last;
  private long[] shape;
  private int count;

  RtlGraphs(String name, FixedType in, long seed, long... sampleShape) {
    b = Graph.builder(name);
    rng = new Random(seed);
    last = "x";
    shape = sampleShape.clone();
    b.input("x", new TensorType(in, Shape.batched(sampleShape)));
  }

  private String next(String kind) {
    return kind.toLowerCase(java.util.Locale.ROOT) + (count++);
  }

  private TensorType type(FixedType t, long... s) {
    return new TensorType(t, Shape.batched(s));
  }

  private long[] randomRaw(FixedType t, int n, double density) {
    long[] r = new long[n];
    long lo = t.minRaw().longValueExact();
    long hi = t.maxRaw().longValueExact();
    for (int i = 0; i < n; i++) {
      if (rng.nextDouble() < density) {
        // mostly small weights, as trained networks have, and a few extremes
        long v = Math.round(rng.nextGaussian() * (hi - lo) / 8.0);
        if (rng.nextInt(20) == 0) {
          v = rng.nextBoolean() ? hi : lo;
        }
        r[i] = Math.max(lo, Math.min(hi, v));
      }
    }
    return r;
  }

  /** Dense over the last axis with random weights of {@code tw} and bias of {@code tb}. */
  RtlGraphs dense(int out, FixedType tw, FixedType tb, FixedType ty) {
    int in = (int) shape[shape.length - 1];
    String n = next("dense");
    b.constant(n + "_w", Tensor.ofRaw(tw, new long[] {in, out}, randomRaw(tw, in * out, 0.85)));
    b.constant(n + "_b", Tensor.ofRaw(tb, new long[] {out}, randomRaw(tb, out, 0.9)));
    long[] s = shape.clone();
    s[s.length - 1] = out;
    b.node(new Node(n, new Op.Dense(null), List.of(last, n + "_w", n + "_b"), List.of(n + "_y")), type(ty, s));
    last = n + "_y";
    shape = s;
    return this;
  }

  /** Conv over NC[spatial], same padding for odd kernels, stride 1. */
  RtlGraphs conv(int outChannels, long[] kernel, FixedType tw, FixedType tb, FixedType ty) {
    int rank = kernel.length;
    String n = next("conv");
    long c = shape[0];
    long[] ws = new long[2 + rank];
    ws[0] = outChannels;
    ws[1] = c;
    int ks = 1;
    for (int d = 0; d < rank; d++) {
      ws[2 + d] = kernel[d];
      ks *= (int) kernel[d];
    }
    b.constant(n + "_w", Tensor.ofRaw(tw, ws, randomRaw(tw, (int) (outChannels * c * ks), 0.8)));
    b.constant(n + "_b", Tensor.ofRaw(tb, new long[] {outChannels}, randomRaw(tb, outChannels, 0.9)));
    long[] pads = new long[rank];
    long[] ones = new long[rank];
    for (int d = 0; d < rank; d++) {
      pads[d] = kernel[d] / 2;
      ones[d] = 1;
    }
    long[] s = shape.clone();
    s[0] = outChannels;
    b.node(new Node(n, new Op.Conv(kernel, ones, pads, pads, ones, 1, null), List.of(last, n + "_w", n + "_b"),
        List.of(n + "_y")), type(ty, s));
    last = n + "_y";
    shape = s;
    return this;
  }

  RtlGraphs unary(Op op, FixedType ty) {
    String n = next(op.kind());
    b.node(new Node(n, op, List.of(last), List.of(n + "_y")), type(ty, shape));
    last = n + "_y";
    return this;
  }

  RtlGraphs reshape(FixedType ty, long... s) {
    String n = next("reshape");
    b.node(new Node(n, new Op.Reshape(), List.of(last), List.of(n + "_y")), type(ty, s));
    last = n + "_y";
    shape = s.clone();
    return this;
  }

  /** Transpose of a rank-2 sample (batch axis stays first). */
  RtlGraphs transpose(FixedType ty) {
    String n = next("transpose");
    long[] s = {shape[1], shape[0]};
    b.node(new Node(n, new Op.Transpose(new int[] {0, 2, 1}), List.of(last), List.of(n + "_y")), type(ty, s));
    last = n + "_y";
    shape = s;
    return this;
  }

  Graph build() {
    b.output(last);
    return b.build();
  }
}
