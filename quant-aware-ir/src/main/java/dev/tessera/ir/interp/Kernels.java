package dev.tessera.ir.interp;

import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.Arrays;

/**
 * Shape arithmetic and index mappings shared by the float and fixed-point interpreters. Every method works on shapes
 * ({@code long[]}, row-major) and flat element indices ({@code int}); none looks at element values, so both
 * interpreters move their own element representation with the same maps. Invalid arguments throw
 * {@link IllegalArgumentException} with a lower-case message; the interpreters prefix it with the node.
 */
public final class Kernels {

  /** Window entry of a padded position that lies inside the declared pads. */
  public static final int PAD = -1;
  /** Window entry of a position beyond the end pads (only in ceil-mode windows); never counted. */
  public static final int OUTSIDE = -2;

  private Kernels() {}

  /** Number of elements of a shape as an int; an error when it does not fit an array. */
  public static int count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative dimension in " + Shape.toString(shape));
      }
      n = Math.multiplyExact(n, s);
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of shape " + Shape.toString(shape) + " has " + n
          + " elements, more than an array holds");
    }
    return (int) n;
  }

  /** Row-major element strides. */
  public static int[] strides(long[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc = Math.multiplyExact(acc, Math.toIntExact(shape[i]));
    }
    return s;
  }

  /** Product of {@code shape[from .. to)}. */
  public static int product(long[] shape, int from, int to) {
    long n = 1;
    for (int i = from; i < to; i++) {
      n = Math.multiplyExact(n, shape[i]);
    }
    return Math.toIntExact(n);
  }

  /**
   * Splits a shape around {@code axis}: {outer, size of axis, inner}, where outer is the product of the axes before
   * and inner the product of the axes after it.
   */
  public static int[] splitAt(long[] shape, int axis) {
    checkAxis(axis, shape.length);
    return new int[] {product(shape, 0, axis), Math.toIntExact(shape[axis]), product(shape, axis + 1,
        shape.length)};
  }

  /** Checks {@code 0 <= axis < rank}. */
  public static void checkAxis(int axis, int rank) {
    if (axis < 0 || axis >= rank) {
      throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
    }
  }

  // ---------------------------------------------------------------------------------------------- broadcasting

  /** The numpy broadcast of several shapes; an error when they are incompatible. */
  public static long[] broadcastShape(long[]... shapes) {
    int rank = 0;
    for (long[] s : shapes) {
      rank = Math.max(rank, s.length);
    }
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    for (long[] s : shapes) {
      for (int i = 0; i < s.length; i++) {
        int o = rank - s.length + i;
        long d = s[i];
        if (out[o] == 1) {
          out[o] = d;
        } else if (d != 1 && d != out[o]) {
          throw new IllegalArgumentException("shapes " + describe(shapes) + " do not broadcast (axis " + o + ": "
              + out[o] + " vs " + d + ")");
        }
      }
    }
    return out;
  }

  private static String describe(long[][] shapes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < shapes.length; i++) {
      b.append(i == 0 ? "" : " and ").append(Shape.toString(shapes[i]));
    }
    return b.toString();
  }

  /**
   * Strides of {@code from} aligned to the axes of {@code to} (which it broadcasts to): 0 on axes it is broadcast
   * along, including the leading axes it lacks.
   */
  public static int[] broadcastStrides(long[] from, long[] to) {
    if (from.length > to.length) {
      throw new IllegalArgumentException("shape " + Shape.toString(from) + " has a higher rank than "
          + Shape.toString(to));
    }
    int[] own = strides(from);
    int[] s = new int[to.length];
    int lead = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      if (from[i] == to[lead + i]) {
        s[lead + i] = from[i] == 1 ? 0 : own[i];
      } else if (from[i] == 1) {
        s[lead + i] = 0;
      } else {
        throw new IllegalArgumentException("shape " + Shape.toString(from) + " does not broadcast to "
            + Shape.toString(to));
      }
    }
    return s;
  }

  /** For every element of {@code to}, the flat index of the element of {@code from} that broadcasts to it. */
  public static int[] broadcastIndex(long[] from, long[] to) {
    int[] st = broadcastStrides(from, to);
    int n = count(to);
    int[] map = new int[n];
    if (n == 0) {
      return map;
    }
    int rank = to.length;
    int[] idx = new int[rank];
    int off = 0;
    for (int i = 0; i < n; i++) {
      map[i] = off;
      for (int a = rank - 1; a >= 0; a--) {
        idx[a]++;
        off += st[a];
        if (idx[a] < to[a]) {
          break;
        }
        off -= st[a] * idx[a];
        idx[a] = 0;
      }
    }
    return map;
  }

  /**
   * Row decomposition of an n-ary broadcast: the output is visited in rows of its last axis ({@code inner}
   * elements); input {@code j} starts row {@code r} at {@code rowOffset[j][r]} and advances by
   * {@code innerStride[j]} (0 or 1) along the row. Output row {@code r} starts at {@code r * inner}.
   */
  public record Broadcast(long[] shape, int inner, int rows, int[] innerStride, int[][] rowOffset) {

    /** Output element count. */
    public int size() {
      return inner * rows;
    }
  }

  /** Plans the broadcast of the given input shapes. */
  public static Broadcast broadcast(long[]... shapes) {
    long[] out = broadcastShape(shapes);
    int rank = out.length;
    int inner = rank == 0 ? 1 : Math.toIntExact(out[rank - 1]);
    int total = count(out);
    int rows = inner == 0 ? 0 : total / inner;
    int[] innerStride = new int[shapes.length];
    int[][] rowOffset = new int[shapes.length][rows];
    long[] rowShape = rank == 0 ? new long[0] : Arrays.copyOf(out, rank - 1);
    for (int j = 0; j < shapes.length; j++) {
      int[] st = broadcastStrides(shapes[j], out);
      innerStride[j] = rank == 0 ? 0 : st[rank - 1];
      int[] idx = new int[rowShape.length];
      int off = 0;
      for (int r = 0; r < rows; r++) {
        rowOffset[j][r] = off;
        for (int a = rowShape.length - 1; a >= 0; a--) {
          idx[a]++;
          off += st[a];
          if (idx[a] < rowShape[a]) {
            break;
          }
          off -= st[a] * idx[a];
          idx[a] = 0;
        }
      }
    }
    return new Broadcast(out, inner, rows, innerStride, rowOffset);
  }

  // ---------------------------------------------------------------------------------------------- matmul

  /**
   * numpy matmul of {@code a} and {@code b}: a 1-D {@code a} gets a leading 1 and a 1-D {@code b} a trailing 1
   * (both removed from the result); the batch axes broadcast. Batch {@code i} multiplies the [m, k] matrix at
   * {@code aOffset[i]} by the [k, n] matrix at {@code bOffset[i]} into the output at {@code i * m * n}.
   */
  public record MatMul(long[] shape, int m, int k, int n, int batch, int[] aOffset, int[] bOffset) {}

  /** Plans a numpy matmul. */
  public static MatMul matmul(long[] a, long[] b) {
    if (a.length == 0 || b.length == 0) {
      throw new IllegalArgumentException("matmul needs operands of rank >= 1, got " + Shape.toString(a) + " and "
          + Shape.toString(b));
    }
    long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
    long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
    int m = Math.toIntExact(a2[a2.length - 2]);
    int k = Math.toIntExact(a2[a2.length - 1]);
    int k2 = Math.toIntExact(b2[b2.length - 2]);
    int n = Math.toIntExact(b2[b2.length - 1]);
    if (k != k2) {
      throw new IllegalArgumentException("matmul of " + Shape.toString(a) + " and " + Shape.toString(b)
          + ": inner dimensions " + k + " and " + k2 + " differ");
    }
    long[] aBatch = Arrays.copyOf(a2, a2.length - 2);
    long[] bBatch = Arrays.copyOf(b2, b2.length - 2);
    long[] batchShape = broadcastShape(aBatch, bBatch);
    int batch = count(batchShape);
    int[] aMap = broadcastIndex(aBatch, batchShape);
    int[] bMap = broadcastIndex(bBatch, batchShape);
    int[] aOff = new int[batch];
    int[] bOff = new int[batch];
    for (int i = 0; i < batch; i++) {
      aOff[i] = aMap[i] * m * k;
      bOff[i] = bMap[i] * k * n;
    }
    long[] out = new long[batchShape.length + (a.length == 1 ? 0 : 1) + (b.length == 1 ? 0 : 1)];
    System.arraycopy(batchShape, 0, out, 0, batchShape.length);
    int p = batchShape.length;
    if (a.length != 1) {
      out[p++] = m;
    }
    if (b.length != 1) {
      out[p] = n;
    }
    return new MatMul(out, m, k, n, batch, aOff, bOff);
  }

  // ---------------------------------------------------------------------------------------------- windows

  /**
   * The windows of a convolution or pooling over the spatial axes: for output position {@code o} (flat over
   * {@code outSpatial}) and kernel offset {@code k} (flat over the kernel), {@code index[o * kernelSize + k]} is
   * the flat spatial index of the input element, {@link #PAD} for a position inside the pads, or
   * {@link #OUTSIDE} for a position beyond the end pads (ceil-mode windows).
   */
  public record Window(long[] outSpatial, int kernelSize, int[] index) {

    /** Number of output positions. */
    public int outSize() {
      return kernelSize == 0 ? 0 : index.length / kernelSize;
    }
  }

  /** Output size of each spatial axis, floor or ceil mode (ONNX formula; a ceil window must start in bounds). */
  public static long[] windowOutput(long[] inSpatial, long[] kernel, long[] strides, long[] padsBegin,
      long[] padsEnd, long[] dilations, boolean ceil) {
    long[] out = new long[inSpatial.length];
    for (int i = 0; i < out.length; i++) {
      long span = (kernel[i] - 1) * at(dilations, i) + 1;
      long room = inSpatial[i] + padsBegin[i] + padsEnd[i] - span;
      long s = strides[i];
      if (room < 0) {
        throw new IllegalArgumentException("kernel extent " + span + " exceeds the padded input "
            + (inSpatial[i] + padsBegin[i] + padsEnd[i]) + " on spatial axis " + i);
      }
      long o = (ceil ? Math.floorDiv(room + s - 1, s) : room / s) + 1;
      if (ceil && (o - 1) * s >= inSpatial[i] + padsBegin[i]) {
        o--;
      }
      out[i] = o;
    }
    return out;
  }

  /**
   * Plans the windows for the given input and output spatial sizes. {@code dilations} may be null (all 1); all
   * other arrays have one entry per spatial axis.
   */
  public static Window window(long[] inSpatial, long[] outSpatial, long[] kernel, long[] strides,
      long[] padsBegin, long[] padsEnd, long[] dilations) {
    int rank = inSpatial.length;
    if (outSpatial.length != rank || kernel.length != rank || strides.length != rank || padsBegin.length != rank
        || padsEnd.length != rank || (dilations != null && dilations.length != rank)) {
      throw new IllegalArgumentException("window attributes must have " + rank + " entries (one per spatial axis)");
    }
    for (int i = 0; i < rank; i++) {
      if (kernel[i] < 1 || strides[i] < 1 || at(dilations, i) < 1) {
        throw new IllegalArgumentException("kernel, strides and dilations must be >= 1, got kernel "
            + Shape.toString(kernel) + ", strides " + Shape.toString(strides)
            + (dilations == null ? "" : ", dilations " + Shape.toString(dilations)));
      }
    }
    int ks = count(kernel);
    int os = count(outSpatial);
    int[] inStride = strides(inSpatial);
    // per axis: the input coordinate (or a marker) of every (output coordinate, kernel coordinate) pair
    int[][] axisIndex = new int[rank][];
    for (int a = 0; a < rank; a++) {
      int no = Math.toIntExact(outSpatial[a]);
      int nk = Math.toIntExact(kernel[a]);
      int[] t = new int[no * nk];
      for (int o = 0; o < no; o++) {
        for (int k = 0; k < nk; k++) {
          long p = o * strides[a] - padsBegin[a] + k * at(dilations, a);
          int v;
          if (p >= 0 && p < inSpatial[a]) {
            v = (int) p;
          } else if (p >= -padsBegin[a] && p < inSpatial[a] + padsEnd[a]) {
            v = PAD;
          } else {
            v = OUTSIDE;
          }
          t[o * nk + k] = v;
        }
      }
      axisIndex[a] = t;
    }
    int[] index = new int[os * ks];
    int[] oi = new int[rank];
    int[] ki = new int[rank];
    for (int o = 0; o < os; o++) {
      Arrays.fill(ki, 0);
      for (int k = 0; k < ks; k++) {
        int flat = 0;
        int marker = 0;
        for (int a = 0; a < rank; a++) {
          int v = axisIndex[a][oi[a] * (int) kernel[a] + ki[a]];
          if (v == OUTSIDE) {
            marker = OUTSIDE;
          } else if (v == PAD) {
            if (marker == 0) {
              marker = PAD;
            }
          } else {
            flat += v * inStride[a];
          }
        }
        index[o * ks + k] = marker != 0 ? marker : flat;
        increment(ki, kernel);
      }
      increment(oi, outSpatial);
    }
    return new Window(outSpatial.clone(), ks, index);
  }

  private static long at(long[] a, int i) {
    return a == null ? 1 : a[i];
  }

  private static void increment(int[] idx, long[] shape) {
    for (int a = idx.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) {
        return;
      }
      idx[a] = 0;
    }
  }

  // ---------------------------------------------------------------------------------------------- data movement

  /** The shape after permuting axes by {@code perm} (output axis i is input axis perm[i]). */
  public static long[] transposeShape(long[] shape, int[] perm) {
    checkPermutation(perm, shape.length);
    long[] out = new long[shape.length];
    for (int i = 0; i < perm.length; i++) {
      out[i] = shape[perm[i]];
    }
    return out;
  }

  /** For every output element of a transpose, the flat input index. */
  public static int[] transposeIndex(long[] shape, int[] perm) {
    long[] out = transposeShape(shape, perm);
    int[] inStride = strides(shape);
    int[] st = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      st[i] = inStride[perm[i]];
    }
    return stridedIndex(out, st, 0);
  }

  private static void checkPermutation(int[] perm, int rank) {
    if (perm.length != rank) {
      throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " does not have " + rank
          + " entries");
    }
    boolean[] seen = new boolean[rank];
    for (int p : perm) {
      if (p < 0 || p >= rank || seen[p]) {
        throw new IllegalArgumentException(Arrays.toString(perm) + " is not a permutation of " + rank + " axes");
      }
      seen[p] = true;
    }
  }

  /** Visits {@code shape} row-major and lists {@code base + sum(idx[a] * stride[a])}. */
  private static int[] stridedIndex(long[] shape, int[] stride, int base) {
    int n = count(shape);
    int[] map = new int[n];
    int rank = shape.length;
    int[] idx = new int[rank];
    int off = base;
    for (int i = 0; i < n; i++) {
      map[i] = off;
      for (int a = rank - 1; a >= 0; a--) {
        idx[a]++;
        off += stride[a];
        if (idx[a] < shape[a]) {
          break;
        }
        off -= stride[a] * idx[a];
        idx[a] = 0;
      }
    }
    return map;
  }

  /**
   * A static slice resolved against a concrete shape: per input axis the first index, the step and the output size.
   * Starts and ends are already normalized (no negative index counts from the end; -1 as the end of a negative
   * step means "through index 0"); they are clamped again here, to [0, dim] for positive steps and [-1, dim - 1]
   * for negative ones, so the "to the end" sentinels of a symbolic batch axis work too.
   */
  public record Slice(long[] shape, long[] first, long[] step) {}

  /** Resolves a slice; axes not listed are taken whole. */
  public static Slice slice(long[] shape, long[] starts, long[] ends, int[] axes, long[] steps) {
    int rank = shape.length;
    if (starts.length != axes.length || ends.length != axes.length || (steps != null
        && steps.length != axes.length)) {
      throw new IllegalArgumentException("slice starts, ends, axes and steps must have the same length");
    }
    long[] out = shape.clone();
    long[] first = new long[rank];
    long[] step = new long[rank];
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < axes.length; i++) {
      int a = axes[i];
      checkAxis(a, rank);
      if (seen[a]) {
        throw new IllegalArgumentException("slice axis " + a + " is listed twice");
      }
      seen[a] = true;
      long s = steps == null ? 1 : steps[i];
      if (s == 0) {
        throw new IllegalArgumentException("slice step must not be 0");
      }
      long d = shape[a];
      long b = starts[i];
      long e = ends[i];
      long size;
      if (s > 0) {
        b = clamp(b, 0, d);
        e = clamp(e, 0, d);
        size = e > b ? (e - b + s - 1) / s : 0;
      } else {
        b = clamp(b, -1, d - 1);
        e = clamp(e, -1, d - 1);
        size = b > e ? (b - e + (-s) - 1) / (-s) : 0;
      }
      out[a] = size;
      first[a] = size == 0 ? 0 : b;
      step[a] = s;
    }
    return new Slice(out, first, step);
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** For every output element of a resolved slice of {@code shape}, the flat input index. */
  public static int[] sliceIndex(long[] shape, Slice s) {
    int[] inStride = strides(shape);
    int[] st = new int[shape.length];
    int base = 0;
    for (int a = 0; a < shape.length; a++) {
      st[a] = Math.toIntExact(inStride[a] * s.step()[a]);
      base += Math.toIntExact(s.first()[a] * inStride[a]);
    }
    return stridedIndex(s.shape(), st, base);
  }

  /** The shape after padding (pads may be negative, which crops). */
  public static long[] padShape(long[] shape, long[] padsBegin, long[] padsEnd) {
    if (padsBegin.length != shape.length || padsEnd.length != shape.length) {
      throw new IllegalArgumentException("pads have " + padsBegin.length + " + " + padsEnd.length
          + " entries but the input has rank " + shape.length);
    }
    long[] out = new long[shape.length];
    for (int a = 0; a < shape.length; a++) {
      out[a] = shape[a] + padsBegin[a] + padsEnd[a];
      if (out[a] < 0) {
        throw new IllegalArgumentException("pads " + padsBegin[a] + " and " + padsEnd[a] + " crop axis " + a
            + " of size " + shape[a] + " below zero");
      }
    }
    return out;
  }

  /**
   * For every output element of a pad, the flat input index, or {@link #PAD} where the constant value goes. Reflect
   * mirrors without repeating the edge (and needs pads smaller than the axis); edge repeats the border element.
   */
  public static int[] padIndex(long[] shape, long[] padsBegin, long[] padsEnd, Op.PadMode mode) {
    long[] out = padShape(shape, padsBegin, padsEnd);
    int rank = shape.length;
    int[][] axisMap = new int[rank][];
    for (int a = 0; a < rank; a++) {
      int n = Math.toIntExact(out[a]);
      long d = shape[a];
      if (mode != Op.PadMode.CONSTANT && d == 0 && n > 0) {
        throw new IllegalArgumentException(mode.name().toLowerCase(java.util.Locale.ROOT)
            + " padding of an empty axis " + a);
      }
      if (mode == Op.PadMode.REFLECT && (padsBegin[a] >= d || padsEnd[a] >= d) && (padsBegin[a] > 0
          || padsEnd[a] > 0)) {
        throw new IllegalArgumentException("reflect pads " + padsBegin[a] + ", " + padsEnd[a]
            + " must be smaller than axis " + a + " of size " + d);
      }
      int[] m = new int[n];
      for (int o = 0; o < n; o++) {
        long p = o - padsBegin[a];
        if (p >= 0 && p < d) {
          m[o] = (int) p;
        } else if (mode == Op.PadMode.CONSTANT) {
          m[o] = PAD;
        } else if (mode == Op.PadMode.EDGE) {
          m[o] = (int) (p < 0 ? 0 : d - 1);
        } else {
          m[o] = (int) (p < 0 ? -p : 2 * (d - 1) - p);
        }
      }
      axisMap[a] = m;
    }
    int[] inStride = strides(shape);
    int total = count(out);
    int[] map = new int[total];
    int[] idx = new int[rank];
    for (int i = 0; i < total; i++) {
      int flat = 0;
      for (int a = 0; a < rank; a++) {
        int v = axisMap[a][idx[a]];
        if (v == PAD) {
          flat = PAD;
          break;
        }
        flat += v * inStride[a];
      }
      map[i] = flat;
      increment(idx, out);
    }
    return map;
  }

  /** Shape of a gather: {@code data[:axis] + indicesShape + data[axis+1:]}. */
  public static long[] gatherShape(long[] data, int axis, long[] indicesShape) {
    checkAxis(axis, data.length);
    long[] out = new long[data.length - 1 + indicesShape.length];
    System.arraycopy(data, 0, out, 0, axis);
    System.arraycopy(indicesShape, 0, out, axis, indicesShape.length);
    System.arraycopy(data, axis + 1, out, axis + indicesShape.length, data.length - axis - 1);
    return out;
  }

  /** For every output element of a gather along {@code axis}, the flat input index. */
  public static int[] gatherIndex(long[] data, int axis, long[] indices) {
    int[] split = splitAt(data, axis);
    int outer = split[0];
    int len = split[1];
    int inner = split[2];
    for (long i : indices) {
      if (i < 0 || i >= len) {
        throw new IllegalArgumentException("gather index " + i + " is out of range for axis " + axis
            + " of size " + len);
      }
    }
    int[] map = new int[Math.multiplyExact(Math.multiplyExact(outer, indices.length), inner)];
    int p = 0;
    for (int o = 0; o < outer; o++) {
      for (long i : indices) {
        int base = (o * len + (int) i) * inner;
        for (int j = 0; j < inner; j++) {
          map[p++] = base + j;
        }
      }
    }
    return map;
  }

  /**
   * A concatenation along an axis: the output is {@code outer} blocks of {@code outBlock} elements; input j fills
   * {@code inBlock[j]} elements of every block starting at {@code offset[j]}.
   */
  public record Concat(long[] shape, int outer, int outBlock, int[] inBlock, int[] offset) {}

  /** Plans a concatenation; all shapes must agree except on {@code axis}. */
  public static Concat concat(long[][] shapes, int axis) {
    if (shapes.length == 0) {
      throw new IllegalArgumentException("concat needs at least one input");
    }
    long[] out = shapes[0].clone();
    checkAxis(axis, out.length);
    long total = 0;
    for (long[] s : shapes) {
      if (s.length != out.length) {
        throw new IllegalArgumentException("concat inputs " + describe(shapes) + " differ in rank");
      }
      for (int a = 0; a < s.length; a++) {
        if (a != axis && s[a] != out[a]) {
          throw new IllegalArgumentException("concat inputs " + describe(shapes) + " differ on axis " + a);
        }
      }
      total += s[axis];
    }
    out[axis] = total;
    int outer = product(out, 0, axis);
    int inner = product(out, axis + 1, out.length);
    int[] inBlock = new int[shapes.length];
    int[] offset = new int[shapes.length];
    int off = 0;
    for (int j = 0; j < shapes.length; j++) {
      inBlock[j] = Math.toIntExact(shapes[j][axis] * inner);
      offset[j] = off;
      off += inBlock[j];
    }
    return new Concat(out, outer, off, inBlock, offset);
  }

  /** The shape after reducing {@code axes} (sorted or not; duplicates are an error). */
  public static long[] reduceShape(long[] shape, int[] axes, boolean keepDims) {
    boolean[] r = reducedAxes(shape.length, axes);
    int n = 0;
    for (int a = 0; a < shape.length; a++) {
      if (keepDims || !r[a]) {
        n++;
      }
    }
    long[] out = new long[n];
    int p = 0;
    for (int a = 0; a < shape.length; a++) {
      if (!r[a]) {
        out[p++] = shape[a];
      } else if (keepDims) {
        out[p++] = 1;
      }
    }
    return out;
  }

  /** For every input element, the flat index of the reduced output element it contributes to. */
  public static int[] reduceIndex(long[] shape, int[] axes) {
    boolean[] r = reducedAxes(shape.length, axes);
    long[] kept = reduceShape(shape, axes, true);
    int[] outStride = strides(kept);
    int[] st = new int[shape.length];
    for (int a = 0; a < shape.length; a++) {
      st[a] = r[a] ? 0 : outStride[a];
    }
    return stridedIndex(shape, st, 0);
  }

  private static boolean[] reducedAxes(int rank, int[] axes) {
    boolean[] r = new boolean[rank];
    for (int a : axes) {
      checkAxis(a, rank);
      if (r[a]) {
        throw new IllegalArgumentException("reduction axis " + a + " is listed twice");
      }
      r[a] = true;
    }
    return r;
  }
}
