package dev.tessera.ir.op;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;

/**
 * The operators of the IR. Each is a record of typed attributes; tensors (including constant weights) are the
 * node's inputs, in the order given in each record's documentation. Fixed-point attributes (accumulator types,
 * parameter types, tables) are null in a float graph and are set by the precision pass. docs/fixed-point.md defines
 * the fixed-point semantics of each op.
 */
public sealed interface Op {

  /** Display name of the op kind, e.g. {@code Dense}. */
  default String kind() {
    return getClass().getSimpleName();
  }

  /** Inputs: x [..., in], W [in, out] (constant), optional b [out] (constant). y = x W + b over the last axis. */
  record Dense(FixedType accum) implements Op {}

  /** Inputs: a, b (both may be variable). numpy matmul semantics with broadcasting of batch axes. */
  record MatMul() implements Op {}

  /**
   * Inputs: x [N, C, spatial...], W [M, C/group, k...] (constant), optional b [M]. 1D or 2D. Pads are explicit
   * (auto_pad is resolved by the importer).
   */
  record Conv(long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, long[] dilations, int group,
      FixedType accum) implements Op {}

  /** Elementwise binary op with numpy broadcasting. Inputs: a, b. */
  record Binary(BinaryKind fn) implements Op {
    @Override
    public String kind() {
      return fn.opName();
    }
  }

  /** Kinds of {@link Binary}. */
  enum BinaryKind {
    ADD("Add"), SUB("Sub"), MUL("Mul"), DIV("Div"), POW("Pow");

    private final String opName;

    BinaryKind(String opName) {
      this.opName = opName;
    }

    public String opName() {
      return opName;
    }
  }

  /** max(x, 0). */
  record Relu() implements Op {}

  /** x >= 0 ? x : alpha x; {@code param} is the type alpha is quantized to. */
  record LeakyRelu(double alpha, FixedType param) implements Op {}

  /** min(max(x, min), max). */
  record Clip(double min, double max) implements Op {}

  /** min(max(alpha x + beta, 0), 1). */
  record HardSigmoid(double alpha, double beta, FixedType param) implements Op {}

  /** x >= 0 ? gamma x : gamma alpha (e^x - 1). */
  record Selu(double alpha, double gamma, FixedType param, TableSpec table) implements Op {}

  /** x >= 0 ? x : alpha (e^x - 1). */
  record Elu(double alpha, FixedType param, TableSpec table) implements Op {}

  /** 1 / (1 + e^-x). */
  record Sigmoid(TableSpec table) implements Op {}

  /** tanh(x). */
  record Tanh(TableSpec table) implements Op {}

  /** e^x. */
  record Exp(TableSpec table) implements Op {}

  /** erf(x) (float only). */
  record Erf() implements Op {}

  /** sqrt(x) (float only). */
  record Sqrt() implements Op {}

  /** Softmax along {@code axis} (non-negative). */
  record Softmax(int axis, SoftmaxMode mode, TableSpec expTable, TableSpec invTable) implements Op {}

  /** Inputs: x [N, C, ...], scale, bias, mean, var (constants [C]). Channel axis 1. */
  record BatchNorm(double epsilon) implements Op {}

  /** Inputs: x, scale [normalized shape], optional bias. Normalizes the axes from {@code axis} to the end. */
  record LayerNorm(int axis, double epsilon) implements Op {}

  /**
   * I-BERT's integer-only exp (docs/integer-ops.md, IntExp) with {@code k} working fraction bits: e^x for x <= 0;
   * a positive input counts as 0. Float semantics: e^x.
   */
  record IExp(int k) implements Op {
    public IExp {
      checkWorkingBits(k);
    }
  }

  /**
   * I-BERT's integer-only softmax (IntSoftmax) along the last axis {@code axis}: i-exp with {@code k} working
   * fraction bits, one normalized reciprocal per row, {@code outFrac} output fraction bits. Float semantics: softmax.
   */
  record ISoftmax(int axis, int k, int outFrac) implements Op {
    public ISoftmax {
      checkWorkingBits(k);
      if (outFrac < 1 || outFrac > 40) {
        throw new IllegalArgumentException("softmax output fraction bits " + outFrac + " must be in [1, 40]");
      }
    }
  }

  /** I-BERT's integer-only GELU (IntGelu, erf polynomial) with {@code k} fraction bits. Float semantics: GELU. */
  record IGelu(int k) implements Op {
    public IGelu {
      checkWorkingBits(k);
    }
  }

  /**
   * Integer-only normalization {@code (x - mean) / sqrt(var + epsilon)} over the axes from {@code axis} to the end
   * (IntLayerNorm: exact sums, Newton's integer square root), {@code outFrac} output fraction bits; a LayerNorm's
   * scale and bias follow as Mul and Add. Float semantics: the same normalization in double.
   */
  record ILayerNorm(int axis, double epsilon, int outFrac) implements Op {
    public ILayerNorm {
      if (outFrac < 1 || outFrac > 32) {
        throw new IllegalArgumentException("layer-norm output fraction bits " + outFrac + " must be in [1, 32]");
      }
      if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
        throw new IllegalArgumentException("layer-norm epsilon " + epsilon + " must be finite and >= 0");
      }
    }
  }

  /** Working fraction bits of the I-BERT kernels must be in [4, 20]. */
  private static void checkWorkingBits(int k) {
    if (k < 4 || k > 20) {
      throw new IllegalArgumentException("working fraction bits " + k + " must be in [4, 20]");
    }
  }

  /** Max pooling over the spatial axes of NC... input; padding never wins. */
  record MaxPool(long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, long[] dilations) implements Op {}

  /** Average pooling over the spatial axes. */
  record AveragePool(long[] kernel, long[] strides, long[] padsBegin, long[] padsEnd, boolean countIncludePad)
      implements Op {}

  /** Mean over all spatial axes, keeping them with size 1. */
  record GlobalAveragePool() implements Op {}

  /** Max over all spatial axes, keeping them with size 1. */
  record GlobalMaxPool() implements Op {}

  /** Mean over {@code axes} (non-negative, sorted). */
  record ReduceMean(int[] axes, boolean keepDims) implements Op {}

  /** Row-major reshape to the output's shape (Flatten, Squeeze, Unsqueeze and Reshape all become this). */
  record Reshape() implements Op {}

  /** Permutes axes. */
  record Transpose(int[] perm) implements Op {}

  /** Concatenation along {@code axis} (non-negative). Inputs: any number of tensors. */
  record Concat(int axis) implements Op {}

  /** Static slice with non-negative, clamped starts/ends per axis. */
  record Slice(long[] starts, long[] ends, int[] axes, long[] steps) implements Op {}

  /** Padding with constant value, or reflect/edge. */
  record Pad(long[] padsBegin, long[] padsEnd, PadMode mode, double value) implements Op {}

  /** Padding modes of {@link Pad}. */
  enum PadMode { CONSTANT, REFLECT, EDGE }

  /** Gather along {@code axis} with constant indices (non-negative, already normalized) of shape indicesShape. */
  record Gather(int axis, long[] indices, long[] indicesShape) implements Op {}

  /** Copies its input. */
  record Identity() implements Op {}

  /** Element type conversion. */
  record Cast(DType to) implements Op {}

  /**
   * QONNX Quant / IntQuant. Inputs: x, scale, zeroPoint, bitwidth (constants). y = s (clamp(round(x/s + z)) - z);
   * clamping happens before rounding as the QONNX definition says; rounding is a QONNX mode name (ROUND = half to
   * even, CEIL, FLOOR, ROUND_TO_ZERO, HALF_UP, HALF_DOWN, UP, DOWN).
   */
  record Quant(boolean signed, boolean narrow, String rounding) implements Op {}

  /** QONNX BipolarQuant. Inputs: x, scale. y = scale * (x >= 0 ? 1 : -1). */
  record BipolarQuant() implements Op {}

  /**
   * QONNX Trunc. Inputs: x, scale, zeroPoint, inputBitWidth, outputBitWidth (constants; QONNX v1), or x, scale,
   * zeroPoint, inputBitWidth, outputScale, outputZeroPoint, outputBitWidth (QONNX v2).
   */
  record Trunc(String rounding, boolean signed, boolean narrow) implements Op {}

  /** ONNX QuantizeLinear. Inputs: x, scale, optional zeroPoint. Output integer type {@code to}; half to even. */
  record QuantizeLinear(int axis, DType to, boolean saturate) implements Op {}

  /** ONNX DequantizeLinear. Inputs: x, scale, optional zeroPoint. */
  record DequantizeLinear(int axis) implements Op {}
}
