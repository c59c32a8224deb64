package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatOps.need;
import static dev.tessera.ir.interp.FloatOps.unsupported;

import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.op.Op;
import java.util.EnumSet;
import java.util.Set;

/**
 * Quantizers: QONNX Quant/IntQuant, BipolarQuant and Trunc, ONNX QuantizeLinear and DequantizeLinear. The QONNX
 * ops follow the reference implementation in qonnx ({@code custom_op/general/quant.py}, {@code trunc.py}) step by
 * step, including its order of clamping before rounding; their scale, zero point and bit widths broadcast against
 * the input (numpy rules).
 */
final class FloatQuantOps {

  private static final Set<DType> QLINEAR_TYPES = EnumSet.of(DType.INT8, DType.UINT8, DType.INT16, DType.UINT16,
      DType.INT32, DType.UINT32);

  private FloatQuantOps() {}

  static FloatKernel create(Node n, Graph g) {
    Op op = n.op();
    if (op instanceof Op.Quant q) {
      need(n, 4);
      FloatMath.RoundMode mode = mode(n, q.rounding(), "ROUND");
      checkBitWidth(n, g, 3);
      return quant(q.signed(), q.narrow(), mode);
    }
    if (op instanceof Op.BipolarQuant) {
      need(n, 2);
      return FloatQuantOps::bipolar;
    }
    if (op instanceof Op.Trunc t) {
      int count = n.inputs().size();
      if (count != 5 && count != 6 && count != 7) {
        throw unsupported(n, "trunc takes 5 inputs (x, scale, zero point, input and output bit width; QONNX v1) "
            + "or 6-7 (with the output scale; QONNX v2), got " + count);
      }
      need(n, count);
      FloatMath.RoundMode mode = mode(n, t.rounding(), "FLOOR");
      checkBitWidth(n, g, 3);
      checkBitWidth(n, g, count - 1);
      return count == 5 ? truncV1(mode) : truncV2(mode, t.signed(), t.narrow());
    }
    if (op instanceof Op.QuantizeLinear q) {
      need(n, 2);
      DType to = q.to();
      if (to == null && n.input(2) != null && g.type(n.input(2)).elementType() instanceof DType zt) {
        to = zt;
      }
      if (to == null) {
        to = DType.UINT8;
      }
      if (!QLINEAR_TYPES.contains(to)) {
        throw unsupported(n, "quantize to " + to + " is not supported; the integer targets are " + QLINEAR_TYPES);
      }
      checkScale(n, g);
      return qlinear(q.axis(), FloatMath.intMin(to), FloatMath.intMax(to), true);
    }
    if (op instanceof Op.DequantizeLinear d) {
      need(n, 2);
      checkScale(n, g);
      return qlinear(d.axis(), 0, 0, false);
    }
    throw unsupported(n, "not a quantizer: " + op.kind());
  }

  private static FloatMath.RoundMode mode(Node n, String name, String dflt) {
    String s = name == null || name.isEmpty() ? dflt : name;
    FloatMath.RoundMode m = FloatMath.RoundMode.parse(s);
    if (m == null) {
      throw unsupported(n, "unknown rounding mode '" + s + "'; valid: ROUND, CEIL, FLOOR, ROUND_TO_ZERO, HALF_UP, "
          + "HALF_DOWN, UP, DOWN");
    }
    return m;
  }

  /** A constant bit width must hold positive integers. */
  private static void checkBitWidth(Node n, Graph g, int input) {
    Tensor t = g.constant(n.input(input));
    if (t == null) {
      return;
    }
    for (double v : t.values()) {
      if (!(v >= 1) || v != Math.rint(v) || v > 64) {
        throw unsupported(n, "bit width " + v + " must be an integer in [1, 64]");
      }
    }
  }

  private static double checkedBitWidth(double v) {
    if (!(v >= 1) || v != Math.rint(v) || v > 64) {
      throw new IllegalArgumentException("bit width " + v + " must be an integer in [1, 64]");
    }
    return v;
  }

  private static void checkScale(Node n, Graph g) {
    Shape s = g.type(n.input(1)).shape();
    if (s.rank() > 1 && s.elementsPerSample() != 1) {
      throw unsupported(n, "scale of shape " + s + " is neither per tensor nor per axis (blocked quantization is "
          + "not supported)");
    }
    if (n.input(2) != null && !g.type(n.input(2)).shape().equals(s)) {
      throw unsupported(n, "zero point shape " + g.type(n.input(2)).shape() + " differs from the scale shape " + s);
    }
  }

  // ------------------------------------------------------------------------------------------------ QONNX

  /** QONNX quant of one value: scale, shift, clamp, round, shift back, rescale. */
  static double quant(double x, double s, double z, double bw, boolean signed, boolean narrow,
      FloatMath.RoundMode mode) {
    double y = x / s + z;
    if (bw == 1 && signed) {
      y = y >= 0 ? 1 : -1;
    } else {
      double hi = FloatMath.maxInt(signed, narrow, bw);
      double lo = FloatMath.minInt(signed, narrow, bw);
      if (y > hi) {
        y = hi;
      }
      if (y < lo) {
        y = lo;
      }
      y = FloatMath.round(y, mode);
    }
    return (y - z) * s;
  }

  private static FloatKernel quant(boolean signed, boolean narrow, FloatMath.RoundMode mode) {
    return (in, b) -> {
      double[] x = in[0].data();
      if (in[1].size() == 1 && in[2].size() == 1 && in[3].size() == 1 && in[0].rank() >= maxRank(in)) {
        double s = in[1].data()[0];
        double z = in[2].data()[0];
        double bw = checkedBitWidth(in[3].data()[0]);
        double[] y = new double[x.length];
        if (bw == 1 && signed) {
          for (int i = 0; i < x.length; i++) {
            y[i] = quant(x[i], s, z, bw, signed, narrow, mode);
          }
        } else {
          double hi = FloatMath.maxInt(signed, narrow, bw);
          double lo = FloatMath.minInt(signed, narrow, bw);
          for (int i = 0; i < x.length; i++) {
            double v = x[i] / s + z;
            if (v > hi) {
              v = hi;
            }
            if (v < lo) {
              v = lo;
            }
            y[i] = (FloatMath.round(v, mode) - z) * s;
          }
        }
        return new NdArray(in[0].shape(), y);
      }
      return broadcast(in, v -> quant(v[0], v[1], v[2], checkedBitWidth(v[3]), signed, narrow, mode));
    };
  }

  private static NdArray bipolar(NdArray[] in, FloatBinding b) {
    return broadcast(in, v -> (v[0] >= 0 ? 1.0 : -1.0) * v[1]);
  }

  /** QONNX Trunc v1: round, divide by 2^(in - out bits), round by the mode, rescale with the input scale. */
  private static FloatKernel truncV1(FloatMath.RoundMode mode) {
    return (in, b) -> broadcast(in, v -> {
      double y = Math.rint(v[0] / v[1] + v[2]);
      y = y / Math.pow(2.0, checkedBitWidth(v[3]) - checkedBitWidth(v[4]));
      y = FloatMath.round(y, mode);
      return (y - v[2]) * v[1];
    });
  }

  /**
   * QONNX Trunc v2: round, divide by the power-of-two ratio of output to input scale, clamp to the output bit width,
   * round by the mode, rescale with the output scale and the rescaled zero point.
   */
  private static FloatKernel truncV2(FloatMath.RoundMode mode, boolean signed, boolean narrow) {
    return (in, b) -> broadcast(in, v -> {
      double s = v[1];
      double z = v[2];
      checkedBitWidth(v[3]);
      double outScale = v[4];
      double outBits = checkedBitWidth(v[v.length - 1]);
      double y = Math.rint(v[0] / s + z);
      double ts = Math.pow(2.0, Math.rint(Math.log(outScale / s) / Math.log(2)));
      y = y / ts;
      double hi = FloatMath.maxInt(signed, narrow, outBits);
      double lo = FloatMath.minInt(signed, narrow, outBits);
      if (y > hi) {
        y = hi;
      }
      if (y < lo) {
        y = lo;
      }
      y = FloatMath.round(y, mode);
      return (y - z / ts) * outScale;
    });
  }

  private static int maxRank(NdArray[] in) {
    int r = 0;
    for (NdArray a : in) {
      r = Math.max(r, a.rank());
    }
    return r;
  }

  /** A function of one element of each input. */
  @FunctionalInterface
  private interface ElementFn {
    double apply(double[] v);
  }

  /** Applies {@code f} elementwise over the numpy broadcast of all inputs. */
  private static NdArray broadcast(NdArray[] in, ElementFn f) {
    long[][] shapes = new long[in.length][];
    for (int i = 0; i < in.length; i++) {
      shapes[i] = in[i].shape();
    }
    Kernels.Broadcast p = Kernels.broadcast(shapes);
    double[] y = new double[p.size()];
    double[] v = new double[in.length];
    int[] st = p.innerStride();
    for (int r = 0; r < p.rows(); r++) {
      for (int i = 0; i < p.inner(); i++) {
        for (int j = 0; j < in.length; j++) {
          v[j] = in[j].data()[p.rowOffset()[j][r] + i * st[j]];
        }
        y[r * p.inner() + i] = f.apply(v);
      }
    }
    return new NdArray(p.shape(), y);
  }

  // ------------------------------------------------------------------------------------------------ ONNX QDQ

  /**
   * QuantizeLinear ({@code quantize}: {@code clamp(rint(x / s) + zp, lo, hi)}) or DequantizeLinear
   * ({@code (x - zp) * s}), per tensor (one scale) or per axis (a 1-D scale along {@code axis}).
   */
  private static FloatKernel qlinear(int axisAttr, double lo, double hi, boolean quantize) {
    return (in, b) -> {
      NdArray xa = in[0];
      double[] s = in[1].data();
      double[] z = in.length > 2 && in[2] != null ? in[2].data() : null;
      if (z != null && z.length != s.length) {
        throw new IllegalArgumentException("zero point has " + z.length + " values but the scale " + s.length);
      }
      long[] xs = xa.shape();
      int outer = 1;
      int len = 1;
      int inner = xa.size();
      if (s.length != 1) {
        if (in[1].rank() != 1) {
          throw new IllegalArgumentException("per-axis scale must be 1-D, is " + Shape.toString(in[1].shape()));
        }
        int axis = axisAttr < 0 ? axisAttr + xs.length : axisAttr;
        int[] split = Kernels.splitAt(xs, axis);
        if (split[1] != s.length) {
          throw new IllegalArgumentException("per-axis scale has " + s.length + " values but axis " + axis
              + " of the input has " + split[1]);
        }
        outer = split[0];
        len = split[1];
        inner = split[2];
      }
      double[] x = xa.data();
      double[] y = new double[x.length];
      for (int o = 0; o < outer; o++) {
        for (int c = 0; c < len; c++) {
          double sc = s[c];
          double zc = z == null ? 0 : z[c];
          int base = (o * len + c) * inner;
          for (int i = 0; i < inner; i++) {
            double v = x[base + i];
            y[base + i] = quantize ? Math.min(hi, Math.max(lo, Math.rint(v / sc) + zc)) : (v - zc) * sc;
          }
        }
      }
      return new NdArray(xs, y);
    };
  }
}
