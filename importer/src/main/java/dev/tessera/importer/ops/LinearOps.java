package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.ShapeRules.Broken;
import dev.tessera.importer.ShapeRules.Dims;
import dev.tessera.importer.Value;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.Op.BinaryKind;
import dev.tessera.ir.op.SoftmaxMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Gemm, MatMul and Attention. */
final class LinearOps {

  private LinearOps() {}

  static void register(Registry r) {
    r.op("Gemm", LinearOps::gemm);
    r.op("MatMul", LinearOps::matmul);
    r.op("Attention", LinearOps::attention);
  }

  private static String kRule(Value a, Value b, String bLabel, int bAxis) {
    return "rule A[-1] == " + bLabel + "[" + bAxis + "] is broken: " + ShapeRules.operand("A", a) + ", "
        + ShapeRules.operand(bLabel, b) + "; " + ShapeRules.ref("A", a, -1) + ", " + ShapeRules.ref(bLabel, b,
        bAxis);
  }

  /**
   * Gemm: {@code alpha·A'·B' + beta·C}. With a constant B it becomes Dense with the weight {@code alpha·B'} and,
   * when C is a constant vector, the bias {@code beta·C}; otherwise Transpose, MatMul, Mul and Add.
   */
  static void gemm(OnnxNode n, ImportContext ctx) {
    if (n.opset() < 7) {
      n.attrs().allow("alpha", "beta", "transA", "transB", "broadcast");
    } else {
      n.attrs().allow("alpha", "beta", "transA", "transB");
    }
    double alpha = n.attrs().f("alpha", 1.0f);
    double beta = n.attrs().f("beta", 1.0f);
    boolean transA = n.attrs().i("transA", 0) != 0;
    boolean transB = n.attrs().i("transB", 0) != 0;
    Value a = n.in(0);
    Value b = n.in(1);
    Value c = n.optIn(2);
    if (a.rank() != 2 || b.rank() != 2) {
      ctx.fail(n, "rule rank(A) == 2 and rank(B) == 2 is broken: " + ShapeRules.operand("A", a) + ", "
          + ShapeRules.operand("B", b));
      return;
    }
    H.requireFloat(n, a, "A");
    if (transA) {
      a = transpose2d(n, ctx, a, "transpose_a");
    }
    int kAxis = transB ? 1 : 0;
    if (!a.dim(1).equals(b.dim(kAxis))) {
      ctx.fail(n, kRule(a, b, "B", kAxis) + (transB ? " (transB = 1)" : "") + (transA ? " (transA = 1)" : ""));
      return;
    }
    Dim outDim = b.dim(1 - kAxis);
    Shape outShape = new Shape(List.of(a.dim(0), outDim));
    String[] origins = {a.origin(0), b.origin(1 - kAxis)};
    if (c != null) {
      try {
        ShapeRules.broadcast(List.of(Value.dynamic("y", a.dtype(), outShape, origins), c), List.of("Y", "C"));
      } catch (Broken e) {
        ctx.fail(n, "C must broadcast to the output [M,N]: " + e.getMessage());
        return;
      }
    }
    if (b.isConstant() && !b.hasSymbols()) {
      C w = C.of(b);
      if (transB) {
        w = ConstMath.transpose(w, new int[] {1, 0});
      }
      if (alpha != 1.0) {
        w = ConstMath.unary(w, w.type(), v -> alpha * v);
      }
      Value wv = ctx.auxConstant(n, "weight", w.tensor());
      Value bias = null;
      boolean biasFolded = false;
      if (c != null && c.isConstant() && isVector(c, outDim)) {
        C cb = C.of(c);
        long outs = outDim.size();
        double[] v = new double[(int) outs];
        for (int i = 0; i < outs; i++) {
          v[i] = C.fit(cb.type(), beta * cb.v()[cb.size() == 1 ? 0 : i]);
        }
        bias = ctx.auxConstant(n, "bias", new C(cb.type(), new long[] {outs}, v, null).tensor());
        biasFolded = true;
      }
      List<Value> ins = bias == null ? List.of(a, wv) : List.of(a, wv, bias);
      if (c == null || biasFolded) {
        H.emit(n, ctx, new Op.Dense(null), ins, a.dtype(), outShape, origins);
      } else {
        Value y = H.aux(n, ctx, "dense", new Op.Dense(null), ins, a.dtype(), outShape, origins);
        addC(n, ctx, y, c, beta);
      }
      return;
    }
    Value bt = transB ? transpose2d(n, ctx, b, "transpose_b") : b;
    boolean last = alpha == 1.0 && c == null;
    Value y = last ? H.emit(n, ctx, new Op.MatMul(), List.of(a, bt), a.dtype(), outShape, origins)
        : H.aux(n, ctx, "matmul", new Op.MatMul(), List.of(a, bt), a.dtype(), outShape, origins);
    if (alpha != 1.0) {
      Value av = ctx.auxConstant(n, "alpha", H.floats(new long[0], new double[] {alpha}));
      y = c == null ? H.emit(n, ctx, new Op.Binary(BinaryKind.MUL), List.of(y, av), a.dtype(), outShape, origins)
          : H.aux(n, ctx, "alpha", new Op.Binary(BinaryKind.MUL), List.of(y, av), a.dtype(), outShape, origins);
    }
    if (c != null) {
      addC(n, ctx, y, c, beta);
    }
  }

  /** True when C is a scalar, [N] or [1, N] constant that can be a bias over {@code out}. */
  private static boolean isVector(Value c, Dim out) {
    if (out.isSymbolic() || c.hasSymbols()) {
      return false;
    }
    long[] s = c.constant().shape();
    long count = c.constant().size();
    if (count == 1) {
      return true;
    }
    return count == out.size() && (s.length == 1 || (s.length == 2 && s[0] == 1));
  }

  private static void addC(OnnxNode n, ImportContext ctx, Value y, Value c, double beta) {
    Value cc = c;
    if (beta != 1.0) {
      if (c.isConstant()) {
        cc = ctx.auxConstant(n, "beta_c", ConstMath.unary(C.of(c), c.dtype(), v -> beta * v).tensor());
      } else {
        Value bv = ctx.auxConstant(n, "beta", H.floats(new long[0], new double[] {beta}));
        cc = H.aux(n, ctx, "beta", new Op.Binary(BinaryKind.MUL), List.of(c, bv), c.dtype(), c.shape(),
            c.origins());
      }
    }
    Dims d;
    try {
      d = ShapeRules.broadcast(List.of(y, cc), List.of("Y", "C"));
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return;
    }
    H.emit(n, ctx, new Op.Binary(BinaryKind.ADD), List.of(y, cc), y.dtype(), d.shape(), d.origins());
  }

  private static Value transpose2d(OnnxNode n, ImportContext ctx, Value v, String suffix) {
    if (v.isConstant()) {
      return ctx.auxConstant(n, suffix, ConstMath.transpose(C.of(v), new int[] {1, 0}).tensor());
    }
    return H.aux(n, ctx, suffix, new Op.Transpose(new int[] {1, 0}), List.of(v), v.dtype(),
        new Shape(List.of(v.dim(1), v.dim(0))), new String[] {v.origin(1), v.origin(0)});
  }

  /** MatMul: Dense when B is a constant matrix, otherwise MatMul with numpy semantics. */
  static void matmul(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    Value a = n.in(0);
    Value b = n.in(1);
    if (a.dtype() != b.dtype()) {
      ctx.fail(n, "rule dtype(A) == dtype(B) is broken: " + ShapeRules.operand("A", a) + ", "
          + ShapeRules.operand("B", b));
      return;
    }
    if (a.rank() == 0 || b.rank() == 0) {
      ctx.fail(n, "rule rank(A) >= 1 and rank(B) >= 1 is broken: " + ShapeRules.operand("A", a) + ", "
          + ShapeRules.operand("B", b));
      return;
    }
    H.requireFloat(n, a, "A");
    if (b.isConstant() && b.rank() == 2 && !a.isConstant() && !b.hasSymbols()) {
      if (!a.dim(-1).equals(b.dim(0))) {
        ctx.fail(n, kRule(a, b, "B", -2));
        return;
      }
      List<Dim> dims = new ArrayList<>(a.shape().dims());
      String[] origins = a.origins();
      dims.set(dims.size() - 1, b.dim(1));
      origins[origins.length - 1] = b.origin(1);
      H.emit(n, ctx, new Op.Dense(null), List.of(a, b), a.dtype(), new Shape(dims), origins);
      return;
    }
    Dims out;
    try {
      out = matmulShape(a, b);
    } catch (Broken e) {
      ctx.fail(n, e.getMessage());
      return;
    }
    H.emit(n, ctx, new Op.MatMul(), List.of(a, b), a.dtype(), out.shape(), out.origins());
  }

  /** Numpy matmul shape: 1-D operands are promoted, batch axes broadcast, A[-1] == B[-2]. */
  static Dims matmulShape(Value a, Value b) throws Broken {
    int ka = a.rank() - 1;
    int kb = b.rank() == 1 ? 0 : b.rank() - 2;
    if (!a.dim(ka).equals(b.dim(kb))) {
      throw new Broken(kRule(a, b, "B", b.rank() == 1 ? -1 : -2));
    }
    List<Value> batchOps = new ArrayList<>();
    if (a.rank() > 2) {
      batchOps.add(prefix(a, a.rank() - 2));
    }
    if (b.rank() > 2) {
      batchOps.add(prefix(b, b.rank() - 2));
    }
    List<Dim> dims = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    if (!batchOps.isEmpty()) {
      Dims batch = ShapeRules.broadcast(batchOps, batchOps.size() == 2 ? List.of("A", "B")
          : List.of(a.rank() > 2 ? "A" : "B"));
      dims.addAll(batch.shape().dims());
      origins.addAll(Arrays.asList(batch.origins()));
    }
    if (a.rank() >= 2) {
      dims.add(a.dim(-2));
      origins.add(a.origin(-2));
    }
    if (b.rank() >= 2) {
      dims.add(b.dim(-1));
      origins.add(b.origin(-1));
    }
    return new Dims(new Shape(dims), origins.toArray(new String[0]));
  }

  private static Value prefix(Value v, int len) {
    return Value.dynamic(v.tensor(), v.dtype(), new Shape(v.shape().dims().subList(0, len)),
        Arrays.copyOf(v.origins(), len));
  }

  /**
   * Attention (opset 23): scaled dot-product attention without mask, cache or causal masking, lowered to
   * Reshape/Transpose, MatMul, Mul by the scale, Softmax and MatMul. Q, K, V are 4-D [B, H, S, D] or 3-D
   * [B, S, H·D] with q_num_heads = kv_num_heads.
   */
  static void attention(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("is_causal", "kv_num_heads", "q_num_heads", "qk_matmul_output_mode", "scale", "softcap",
        "softmax_precision");
    if (n.attrs().i("is_causal", 0) != 0) {
      throw n.unsupported("is_causal = 1 is not supported");
    }
    if (n.attrs().f("softcap", 0f) != 0f) {
      throw n.unsupported("softcap is not supported");
    }
    if (n.attrs().i("qk_matmul_output_mode", 0) != 0) {
      throw n.unsupported("qk_matmul_output_mode other than 0 is not supported");
    }
    for (int i = 3; i < n.inputCount(); i++) {
      if (n.hasInput(i)) {
        throw n.unsupported("optional input " + i + " ('" + n.inputName(i)
            + "': mask, past key/value) is not supported");
      }
    }
    n.refuseUsedOutputs(1, "present key/value or qk output");
    Value q = n.in(0);
    Value k = n.in(1);
    Value v = n.in(2);
    H.requireFloat(n, q, "Q");
    if (q.rank() != k.rank() || q.rank() != v.rank() || (q.rank() != 3 && q.rank() != 4)) {
      ctx.fail(n, "rule rank(Q) == rank(K) == rank(V) in {3, 4} is broken: " + ShapeRules.operand("Q", q) + ", "
          + ShapeRules.operand("K", k) + ", " + ShapeRules.operand("V", v));
      return;
    }
    boolean threeD = q.rank() == 3;
    long heads;
    if (threeD) {
      long qh = n.attrs().i("q_num_heads", 0);
      long kh = n.attrs().i("kv_num_heads", 0);
      if (qh <= 0 || qh != kh) {
        throw n.unsupported("3-D inputs need q_num_heads = kv_num_heads > 0 (grouped-query attention is not "
            + "supported), got " + qh + " and " + kh);
      }
      heads = qh;
      for (Value t : List.of(q, k, v)) {
        if (t.dim(2).isSymbolic() || t.dim(2).size() % heads != 0 || t.dim(1).isSymbolic()) {
          ctx.fail(n, "rule X[2] % num_heads == 0 with static sequence length is broken: "
              + ShapeRules.operand("X", t) + ", num_heads " + heads);
          return;
        }
      }
      q = splitHeads(n, ctx, q, heads, "q");
      k = splitHeads(n, ctx, k, heads, "k");
      v = splitHeads(n, ctx, v, heads, "v");
    }
    if (!q.dim(1).equals(k.dim(1)) || !k.dim(1).equals(v.dim(1))) {
      throw n.unsupported("different head counts for Q, K, V (grouped-query attention) are not supported");
    }
    if (!q.dim(3).equals(k.dim(3)) || q.dim(3).isSymbolic()) {
      ctx.fail(n, "rule Q[-1] == K[-1] is broken: " + ShapeRules.operand("Q", q) + ", "
          + ShapeRules.operand("K", k));
      return;
    }
    if (!k.dim(2).equals(v.dim(2))) {
      ctx.fail(n, "rule K[-2] == V[-2] is broken: " + ShapeRules.operand("K", k) + ", "
          + ShapeRules.operand("V", v));
      return;
    }
    double scale = n.attrs().has("scale") ? n.attrs().f("scale", 1f) : 1.0 / Math.sqrt(q.dim(3).size());
    Value kt = H.aux(n, ctx, "k_transpose", new Op.Transpose(new int[] {0, 1, 3, 2}), List.of(k), k.dtype(),
        new Shape(List.of(k.dim(0), k.dim(1), k.dim(3), k.dim(2))),
        new String[] {k.origin(0), k.origin(1), k.origin(3), k.origin(2)});
    Shape sShape = new Shape(List.of(q.dim(0), q.dim(1), q.dim(2), k.dim(2)));
    String[] so = {q.origin(0), q.origin(1), q.origin(2), k.origin(2)};
    Value scores = H.aux(n, ctx, "scores", new Op.MatMul(), List.of(q, kt), q.dtype(), sShape, so);
    Value sc = ctx.auxConstant(n, "scale", H.floats(new long[0], new double[] {(float) scale}));
    Value scaled = H.aux(n, ctx, "scaled", new Op.Binary(BinaryKind.MUL), List.of(scores, sc), q.dtype(), sShape,
        so);
    Value probs = H.aux(n, ctx, "softmax", new Op.Softmax(3, SoftmaxMode.STABLE, null, null), List.of(scaled),
        q.dtype(), sShape, so);
    Shape yShape = new Shape(List.of(q.dim(0), q.dim(1), q.dim(2), v.dim(3)));
    String[] yo = {q.origin(0), q.origin(1), q.origin(2), v.origin(3)};
    if (!threeD) {
      H.emit(n, ctx, new Op.MatMul(), List.of(probs, v), q.dtype(), yShape, yo);
      return;
    }
    Value y = H.aux(n, ctx, "context", new Op.MatMul(), List.of(probs, v), q.dtype(), yShape, yo);
    Value yt = H.aux(n, ctx, "merge_transpose", new Op.Transpose(new int[] {0, 2, 1, 3}), List.of(y), q.dtype(),
        new Shape(List.of(q.dim(0), q.dim(2), q.dim(1), v.dim(3))), new String[] {yo[0], yo[2], yo[1], yo[3]});
    Dim hidden = Dim.of(q.dim(1).size() * v.dim(3).size());
    H.emit(n, ctx, new Op.Reshape(), List.of(yt), q.dtype(), new Shape(List.of(q.dim(0), q.dim(2), hidden)),
        new String[] {yo[0], yo[2], n.describe()});
  }

  /** [B, S, H·D] → [B, H, S, D]. */
  private static Value splitHeads(OnnxNode n, ImportContext ctx, Value x, long heads, String name) {
    long d = x.dim(2).size() / heads;
    Shape four = new Shape(List.of(x.dim(0), x.dim(1), Dim.of(heads), Dim.of(d)));
    String[] o = {x.origin(0), x.origin(1), n.describe(), n.describe()};
    Value r = H.aux(n, ctx, name + "_split", new Op.Reshape(), List.of(x), x.dtype(), four, o);
    return H.aux(n, ctx, name + "_heads", new Op.Transpose(new int[] {0, 2, 1, 3}), List.of(r), x.dtype(),
        new Shape(List.of(x.dim(0), Dim.of(heads), x.dim(1), Dim.of(d))), new String[] {o[0], o[2], o[1], o[3]});
  }
}
