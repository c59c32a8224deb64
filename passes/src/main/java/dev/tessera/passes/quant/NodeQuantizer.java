package dev.tessera.passes.quant;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The per-op part of {@link ApplyPrecision}: quantizes a node's constant inputs by their role, fills in its
 * fixed-point attributes, and picks its result type (the layer's {@code result}, else the input's type for ops that
 * only move values, else the default).
 */
final class NodeQuantizer {
  private static final FixedType UNIT = FixedType.unsigned(1, 1); // holds the exact 0 and 1 of a rewritten BatchNorm

  /** The rewritten node and the type of its outputs. */
  record Rewritten(Node node, FixedType result) {}

  private final Graph in;
  private final PrecisionConfig config;
  private final ConstantQuantizer constants;
  private final Map<String, FixedType> types;
  private final PassContext ctx;

  NodeQuantizer(Graph in, PrecisionConfig config, ConstantQuantizer constants, Map<String, FixedType> types,
      PassContext ctx) {
    this.in = in;
    this.config = config;
    this.constants = constants;
    this.types = types;
    this.ctx = ctx;
  }

  Rewritten rewrite(Node n, LayerConfig lc) {
    FixedType def = config.defaultType();
    FixedType weight = lc.weightType().orElse(def);
    FixedType bias = lc.biasType().orElse(def);
    FixedType table = lc.tableType().orElse(FixedConstants.TABLE_TYPE);
    FixedType param = lc.paramType().orElse(FixedConstants.PARAM_TYPE);
    int size = lc.tableSizeValue().orElse(FixedConstants.TABLE_SIZE);
    Op op = n.op();
    List<String> ins = new ArrayList<>(n.inputs());
    String who = n.describe();
    if (op instanceof Op.BatchNorm bn) {
      return batchNorm(n, bn, lc.resultType().orElse(def), weight, bias);
    }
    if (op instanceof Op.Quant && !in.isConstant(n.input(0))) {
      QuantMapping.Result q = QuantMapping.typeOf(n, in);
      if (q.type() != null) {
        return new Rewritten(new Node(n.name(), new Op.Identity(), List.of(n.input(0)), n.outputs(), n.source()),
            lc.resultType().orElse(q.type()));
      }
      ctx.warn(who + ": no exact fixed-point type for this quantizer (" + q.reason() + "); it stays a Quant, "
          + "which the fixed-point interpreter and the backends reject");
    }
    for (int i = 0; i < ins.size(); i++) {
      String x = ins.get(i);
      if (!x.isEmpty() && in.isConstant(x)) {
        boolean isBias = (i == 2 && (op instanceof Op.Dense || op instanceof Op.Conv)) || (op instanceof Op.Binary b
            && (b.fn() == Op.BinaryKind.ADD || b.fn() == Op.BinaryKind.SUB));
        ins.set(i, constants.quantize(x, isBias ? bias : weight, who, isBias ? "bias" : "weight"));
      }
    }
    FixedType tx = ins.isEmpty() || ins.get(0).isEmpty() ? def : typeOf(ins.get(0));
    FixedType result = lc.resultType().orElse(movesValues(op) ? inherited(ins, def) : def);
    Op out = op;
    if (op instanceof Op.Dense) {
      out = new Op.Dense(lc.accumType().orElseGet(() -> AccumulatorSizer.size(tx, tensor(ins, 1), tensor(ins, 2),
          true)));
    } else if (op instanceof Op.Conv c) {
      out = new Op.Conv(c.kernel(), c.strides(), c.padsBegin(), c.padsEnd(), c.dilations(), c.group(),
          lc.accumType().orElseGet(() -> AccumulatorSizer.size(tx, tensor(ins, 1), tensor(ins, 2), false)));
    } else if (op instanceof Op.LeakyRelu l) {
      out = new Op.LeakyRelu(l.alpha(), param);
    } else if (op instanceof Op.HardSigmoid h) {
      out = new Op.HardSigmoid(h.alpha(), h.beta(), param);
    } else if (op instanceof Op.Selu s) {
      out = new Op.Selu(s.alpha(), s.gamma(), param, Tables.eluSpec(size, table));
    } else if (op instanceof Op.Elu e) {
      out = new Op.Elu(e.alpha(), param, Tables.eluSpec(size, table));
    } else if (op instanceof Op.Sigmoid) {
      out = new Op.Sigmoid(enumerates(tx, size) ? gridSpec(tx, table) : Tables.sigmoidSpec(size, table));
    } else if (op instanceof Op.Tanh) {
      out = new Op.Tanh(enumerates(tx, size) ? gridSpec(tx, table) : Tables.sigmoidSpec(size, table));
    } else if (op instanceof Op.Exp) {
      out = new Op.Exp(Tables.inputRangeSpec(size, table, tx));
    } else if (op instanceof Op.Softmax s) {
      out = softmax(n, s, lc, tx, size, table);
    }
    return new Rewritten(new Node(n.name(), out, ins, n.outputs(), n.source()), result);
  }

  private Op softmax(Node n, Op.Softmax s, LayerConfig lc, FixedType tx, int size, FixedType table) {
    Shape shape = in.type(n.input(0)).shape();
    int axis = s.axis() < 0 ? s.axis() + shape.rank() : s.axis();
    SoftmaxMode mode = lc.softmax().orElse(SoftmaxMode.STABLE);
    if (mode == SoftmaxMode.ARGMAX) {
      return new Op.Softmax(axis, mode, null, null);
    }
    if (shape.dim(axis).isSymbolic()) {
      throw new IllegalArgumentException(n.describe() + ": softmax axis " + axis + " of " + shape
          + " must have a static size");
    }
    TableSpec exp = mode == SoftmaxMode.STABLE ? Tables.softmaxExpSpec(size, table, tx)
        : Tables.inputRangeSpec(size, table, tx);
    return new Op.Softmax(axis, mode, exp, Tables.softmaxInvSpec(size, table, shape.size(axis)));
  }

  /** True when a table of {@code size} entries has room for every value of the input type. */
  private static boolean enumerates(FixedType tx, int size) {
    return tx.width() <= 20 && (1 << tx.width()) <= size;
  }

  /**
   * A table with one entry per value of the input type, each evaluated exactly at that value: {@code 2^W} entries
   * over {@code [min - lsb/2, min - lsb/2 + 2^I)}, so entry {@code i} is sampled at {@code min + i lsb} and the index
   * of raw value {@code q} is {@code q - minRaw} (docs/fixed-point.md section 5).
   */
  private static TableSpec gridSpec(FixedType tx, FixedType table) {
    return new TableSpec(1 << tx.width(), tx.minValue() - tx.lsb() / 2, tx.integerBits(), table);
  }

  /** s = gamma / sqrt(var + eps) and t = beta - mean s, quantized; mean 0, variance 1 and epsilon 0 keep it exact. */
  private Rewritten batchNorm(Node n, Op.BatchNorm bn, FixedType result, FixedType weight, FixedType bias) {
    for (int i = 1; i <= 4; i++) {
      if (n.input(i) == null || !in.isConstant(n.input(i))) {
        throw new IllegalArgumentException(n.describe() + ": scale, bias, mean and variance must be constants");
      }
    }
    double[] gamma = in.constant(n.input(1)).values();
    double[] beta = in.constant(n.input(2)).values();
    double[] mean = in.constant(n.input(3)).values();
    double[] var = in.constant(n.input(4)).values();
    int c = gamma.length;
    double[] s = new double[c];
    double[] t = new double[c];
    for (int i = 0; i < c; i++) {
      s[i] = gamma[i] / Math.sqrt(var[i] + bn.epsilon());
      t[i] = beta[i] - mean[i] * s[i];
    }
    double[] ones = new double[c];
    Arrays.fill(ones, 1.0);
    long[] shape = {c};
    String who = n.describe();
    List<String> ins = List.of(n.input(0), constants.add(n.name() + "_scale", weight, shape, s, who, "weight"),
        constants.add(n.name() + "_shift", bias, shape, t, who, "bias"),
        constants.add(n.name() + "_mean", UNIT, shape, new double[c], who, "mean"),
        constants.add(n.name() + "_var", UNIT, shape, ones, who, "variance"));
    return new Rewritten(new Node(n.name(), new Op.BatchNorm(0.0), ins, n.outputs(), n.source()), result);
  }

  private FixedType typeOf(String tensor) {
    FixedType t = types.get(tensor);
    return t != null ? t : (FixedType) constants.tensor(tensor).type();
  }

  private Tensor tensor(List<String> ins, int i) {
    return i < ins.size() && !ins.get(i).isEmpty() ? constants.tensor(ins.get(i)) : null;
  }

  /** The common type of the inputs, or the default when they differ. */
  private FixedType inherited(List<String> ins, FixedType def) {
    FixedType t = null;
    for (String x : ins) {
      if (x.isEmpty()) {
        continue;
      }
      FixedType u = typeOf(x);
      if (t != null && !t.equals(u)) {
        return def;
      }
      t = u;
    }
    return t == null ? def : t;
  }

  /** Ops whose outputs are input values (no arithmetic): they keep the input type unless the config says otherwise. */
  static boolean movesValues(Op op) {
    return op instanceof Op.Reshape || op instanceof Op.Transpose || op instanceof Op.Slice || op instanceof Op.Pad
        || op instanceof Op.Gather || op instanceof Op.Identity || op instanceof Op.Concat
        || op instanceof Op.MaxPool || op instanceof Op.GlobalMaxPool;
  }

  /** Warns about settings of a layer's own config that its op does not use. */
  static void warnUnused(Node n, LayerConfig own, PassContext ctx) {
    Op op = n.op();
    boolean linear = op instanceof Op.Dense || op instanceof Op.Conv;
    boolean tables = op instanceof Op.Sigmoid || op instanceof Op.Tanh || op instanceof Op.Exp
        || op instanceof Op.Selu || op instanceof Op.Elu || op instanceof Op.Softmax;
    boolean params = op instanceof Op.LeakyRelu || op instanceof Op.HardSigmoid || op instanceof Op.Selu
        || op instanceof Op.Elu;
    List<String> unused = new ArrayList<>();
    if (own.accum() != null && !linear) {
      unused.add("Precision.accum");
    }
    if (own.table() != null && !tables) {
      unused.add("Precision.table");
    }
    if (own.tableSize() != null && !tables) {
      unused.add("TableSize");
    }
    if (own.param() != null && !params) {
      unused.add("Precision.param");
    }
    if (own.softmaxMode() != null && !(op instanceof Op.Softmax || op instanceof Op.ISoftmax
        || op instanceof Op.IExp)) {
      unused.add("SoftmaxMode");
    }
    if (!unused.isEmpty()) {
      ctx.warn("LayerName." + n.name() + ": " + String.join(", ", unused) + " has no effect on a " + op.kind()
          + " node");
    }
  }
}
