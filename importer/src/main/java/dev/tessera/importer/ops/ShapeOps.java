package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;
import dev.tessera.importer.ShapeRules;
import dev.tessera.importer.ShapeRules.Broken;
import dev.tessera.importer.Value;
import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape and data-movement ops: Shape, Size, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Slice, Split,
 * Gather, Expand, Tile, ConstantOfShape, Range, Identity, Dropout, DepthToSpace. Each folds when its inputs are
 * constant and otherwise becomes an IR Reshape, Transpose, Concat, Slice, Gather or Identity.
 */
final class ShapeOps {

  private ShapeOps() {}

  static void register(Registry r) {
    r.op("Shape", ShapeOps::shape);
    r.op("Size", ShapeOps::size);
    r.op("Reshape", ShapeOps::reshape);
    r.op("Flatten", ShapeOps::flatten);
    r.op("Transpose", ShapeOps::transpose);
    r.op("Squeeze", ShapeOps::squeeze);
    r.op("Unsqueeze", ShapeOps::unsqueeze);
    r.op("Concat", ShapeOps::concat);
    r.op("Slice", ShapeOps::slice);
    r.op("Split", ShapeOps::split);
    r.op("Gather", ShapeOps::gather);
    r.op("Expand", ShapeOps::expand);
    r.op("Tile", ShapeOps::tile);
    r.op("ConstantOfShape", ShapeOps::constantOfShape);
    r.op("Range", ShapeOps::range);
    r.op("Identity", ShapeOps::identity);
    r.op("Dropout", ShapeOps::dropout);
    r.op("DepthToSpace", ShapeOps::depthToSpace);
    r.op("Resize", ShapeOps::resize);
    r.op("Upsample", ShapeOps::resize);
  }

  /** Example size that a symbolic dimension takes in folded shape tensors. */
  private static long exampleSize(ImportContext ctx, Dim d) {
    if (d.symbol().equals(Shape.BATCH) && ctx.declaredBatch() > 0) {
      return ctx.declaredBatch();
    }
    return 1;
  }

  static void shape(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() >= 15 ? new String[] {"start", "end"} : new String[0]);
    Value x = n.in(0);
    int r = x.rank();
    long start = n.attrs().i("start", 0);
    long end = n.attrs().i("end", r);
    start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
    end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
    int len = (int) Math.max(0, end - start);
    double[] v = new double[len];
    String[] sym = new String[len];
    for (int i = 0; i < len; i++) {
      Dim d = x.dim((int) start + i);
      if (d.isSymbolic()) {
        v[i] = exampleSize(ctx, d);
        sym[i] = d.symbol();
      } else {
        v[i] = d.size();
      }
    }
    H.out(n, ctx, new C(DType.INT64, new long[] {len}, v, sym));
  }

  static void size(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    Value x = n.in(0);
    long p = 1;
    boolean symbolic = false;
    for (Dim d : x.shape().dims()) {
      if (d.isSymbolic()) {
        symbolic = true;
        p *= exampleSize(ctx, d);
      } else {
        p *= d.size();
      }
    }
    H.out(n, ctx, new C(DType.INT64, new long[0], new double[] {p}, symbolic ? new String[] {Value.EXPRESSION}
        : null));
  }

  static void reshape(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() >= 14 ? new String[] {"allowzero"} : new String[0]);
    boolean allowZero = n.attrs().i("allowzero", 0) != 0;
    Value x = n.in(0);
    C target = H.constant(n, 1, "the target shape");
    if (target.rank() != 1) {
      ctx.fail(n, "the target shape must be 1-D, got shape " + Shape.toString(target.shape()));
      return;
    }
    List<Dim> dims = new ArrayList<>();
    String[] origins = new String[target.size()];
    int inferred = -1;
    for (int i = 0; i < target.size(); i++) {
      long t = (long) target.v()[i];
      String sym = target.symbolAt(i);
      origins[i] = n.describe();
      if (sym != null) {
        if (sym.equals(Value.EXPRESSION)) {
          ctx.fail(n, "target shape element " + i + " is computed by arithmetic on a symbolic dimension, which the "
              + "IR cannot express; bind the batch to a fixed size");
          return;
        }
        dims.add(Dim.sym(sym));
        origins[i] = originOfSymbol(x, sym, n);
      } else if (t == 0 && !allowZero) {
        if (i >= x.rank()) {
          ctx.fail(n, "target shape element " + i + " is 0 (copy the input dimension), but the input "
              + ShapeRules.operand("X", x) + " has only " + x.rank() + " dimensions");
          return;
        }
        dims.add(x.dim(i));
        origins[i] = x.origin(i);
      } else if (t == -1) {
        if (inferred >= 0) {
          ctx.fail(n, "target shape " + Arrays.toString(target.longs()) + " has more than one -1");
          return;
        }
        inferred = i;
        dims.add(null);
      } else if (t < -1) {
        ctx.fail(n, "target shape " + Arrays.toString(target.longs()) + " has the invalid size " + t);
        return;
      } else if (i == 0 && isBatchExample(ctx, x, t)) {
        dims.add(ctx.batch());
        origins[i] = x.origin(0);
      } else {
        dims.add(Dim.of(t));
      }
    }
    List<Dim> out;
    try {
      out = ShapeRules.inferReshape(x.shape(), dims);
    } catch (Broken b) {
      ctx.fail(n, "rule numel(X) == numel(target) is broken: " + ShapeRules.operand("X", x) + ", target "
          + Arrays.toString(target.longs()) + ": " + b.getMessage());
      return;
    }
    finishReshape(n, ctx, x, out, origins);
  }

  /** A leading target size that equals the exporter's batch stands for the batch when the input is batched. */
  private static boolean isBatchExample(ImportContext ctx, Value x, long t) {
    return x.rank() > 0 && x.dim(0).equals(ctx.batch()) && ctx.declaredBatch() > 0 && t == ctx.declaredBatch()
        && !x.isConstant();
  }

  private static String originOfSymbol(Value x, String sym, OnnxNode n) {
    for (int i = 0; i < x.rank(); i++) {
      if (x.dim(i).isSymbolic() && x.dim(i).symbol().equals(sym)) {
        return x.origin(i);
      }
    }
    return n.describe();
  }

  /** Binds the output of a reshape-like node: folded when the input is constant, else an IR Reshape. */
  static void finishReshape(OnnxNode n, ImportContext ctx, Value x, List<Dim> out, String[] origins) {
    Shape s = new Shape(out);
    if (x.isConstant()) {
      if (!s.isStatic()) {
        throw n.unsupported("reshaping a constant to the batch-dependent shape " + s + " is not supported");
      }
      C c = C.of(x);
      H.out(n, ctx, c.reshape(s.sizes()));
      return;
    }
    H.emit(n, ctx, new Op.Reshape(), List.of(x), x.dtype(), s, origins);
  }

  static void flatten(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("axis");
    Value x = n.in(0);
    long axis = n.attrs().i("axis", 1);
    int r = x.rank();
    if (axis < 0) {
      axis += r;
    }
    if (axis < 0 || axis > r) {
      ctx.fail(n, "axis " + n.attrs().i("axis", 1) + " is out of range [" + -r + ", " + r + "] for "
          + ShapeRules.operand("X", x));
      return;
    }
    List<Dim> d = x.shape().dims();
    if (axis == 0 && r > 1 && x.dim(0).equals(ctx.batch()) && ctx.batch().isSymbolic()) {
      // Keras exports of batch-1 models flatten at axis 0; per sample this is Flatten(axis = 1).
      axis = 1;
    }
    Dim outer = ShapeRules.product(d.subList(0, (int) axis));
    Dim inner = ShapeRules.product(d.subList((int) axis, r));
    if (outer == null || inner == null) {
      ctx.fail(n, "flattening " + ShapeRules.operand("X", x) + " at axis " + axis
          + " would multiply a symbolic dimension with other sizes, which the IR cannot express");
      return;
    }
    String o0 = axis == 1 ? x.origin(0) : n.describe();
    String o1 = axis == r - 1 && r > 0 ? x.origin(r - 1) : n.describe();
    finishReshape(n, ctx, x, List.of(outer, inner), new String[] {o0, o1});
  }

  static void transpose(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("perm");
    Value x = n.in(0);
    int r = x.rank();
    long[] p = n.attrs().ints("perm");
    int[] perm = new int[r];
    if (p == null) {
      for (int i = 0; i < r; i++) {
        perm[i] = r - 1 - i;
      }
    } else {
      boolean[] seen = new boolean[r];
      if (p.length != r) {
        ctx.fail(n, "perm " + Arrays.toString(p) + " has " + p.length + " entries but "
            + ShapeRules.operand("X", x) + " has rank " + r);
        return;
      }
      for (int i = 0; i < r; i++) {
        long a = p[i] < 0 ? p[i] + r : p[i];
        if (a < 0 || a >= r || seen[(int) a]) {
          ctx.fail(n, "perm " + Arrays.toString(p) + " is not a permutation of the " + r + " axes of "
              + ShapeRules.operand("X", x));
          return;
        }
        seen[(int) a] = true;
        perm[i] = (int) a;
      }
    }
    if (x.isConstant()) {
      H.out(n, ctx, ConstMath.transpose(C.of(x), perm));
      return;
    }
    List<Dim> dims = new ArrayList<>();
    String[] origins = new String[r];
    for (int i = 0; i < r; i++) {
      dims.add(x.dim(perm[i]));
      origins[i] = x.origin(perm[i]);
    }
    H.emit(n, ctx, new Op.Transpose(perm), List.of(x), x.dtype(), new Shape(dims), origins);
  }

  /** Axes from the attribute (before {@code inputSince}) or from input 1 (from then on); null when absent. */
  static long[] axesArgument(OnnxNode n, long inputSince) {
    if (n.opset() < inputSince) {
      return n.attrs().ints("axes");
    }
    return n.hasInput(1) ? H.ints(n, 1, "axes") : null;
  }

  static void squeeze(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() < 13 ? new String[] {"axes"} : new String[0]);
    Value x = n.in(0);
    long[] axes = axesArgument(n, 13);
    int r = x.rank();
    boolean[] drop = new boolean[r];
    if (axes == null || axes.length == 0) {
      for (int i = 0; i < r; i++) {
        drop[i] = !x.dim(i).isSymbolic() && x.dim(i).size() == 1;
      }
    } else {
      for (long a : axes) {
        Integer ax = H.axis(n, ctx, a, r, "axis");
        if (ax == null) {
          return;
        }
        Dim d = x.dim(ax);
        if (d.isSymbolic() || d.size() != 1) {
          ctx.fail(n, "rule X[" + ax + "] == 1 is broken: " + ShapeRules.operand("X", x) + "; "
              + ShapeRules.ref("X", x, ax));
          return;
        }
        drop[ax] = true;
      }
    }
    List<Dim> out = new ArrayList<>();
    List<String> origins = new ArrayList<>();
    for (int i = 0; i < r; i++) {
      if (!drop[i]) {
        out.add(x.dim(i));
        origins.add(x.origin(i));
      }
    }
    finishReshape(n, ctx, x, out, origins.toArray(new String[0]));
  }

  static void unsqueeze(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() < 13 ? new String[] {"axes"} : new String[0]);
    Value x = n.in(0);
    long[] axes = axesArgument(n, 13);
    if (axes == null) {
      throw n.unsupported("axes are missing");
    }
    int outRank = x.rank() + axes.length;
    boolean[] inserted = new boolean[outRank];
    for (long a : axes) {
      Integer ax = H.axis(n, ctx, a, outRank, "axis");
      if (ax == null) {
        return;
      }
      if (inserted[ax]) {
        ctx.fail(n, "axis " + a + " is given twice in " + Arrays.toString(axes));
        return;
      }
      inserted[ax] = true;
    }
    List<Dim> out = new ArrayList<>();
    String[] origins = new String[outRank];
    int k = 0;
    for (int i = 0; i < outRank; i++) {
      if (inserted[i]) {
        out.add(Dim.of(1));
        origins[i] = n.describe();
      } else {
        out.add(x.dim(k));
        origins[i] = x.origin(k);
        k++;
      }
    }
    if (x.isConstant()) {
      C c = C.of(x);
      H.out(n, ctx, c.reshape(new Shape(out).sizes()));
      return;
    }
    finishReshape(n, ctx, x, out, origins);
  }

  static void concat(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("axis");
    List<Value> ins = new ArrayList<>();
    for (int i = 0; i < n.inputCount(); i++) {
      if (n.hasInput(i)) {
        ins.add(n.in(i));
      }
    }
    if (ins.isEmpty()) {
      throw n.unsupported("needs at least one input");
    }
    Value first = ins.get(0);
    int r = first.rank();
    Integer axis = H.axis(n, ctx, n.attrs().i("axis"), r, "axis");
    if (axis == null) {
      return;
    }
    long total = 0;
    for (int k = 0; k < ins.size(); k++) {
      Value v = ins.get(k);
      if (v.rank() != r) {
        ctx.fail(n, "rule rank(input 0) == rank(input " + k + ") is broken: " + ShapeRules.operand("A", first)
            + ", " + ShapeRules.operand("B", v));
        return;
      }
      for (int i = 0; i < r; i++) {
        if (i != axis && !v.dim(i).equals(first.dim(i))) {
          ctx.fail(n, "rule A[" + i + "] == B[" + i + "] (all axes but the concatenation axis " + axis
              + ") is broken: " + ShapeRules.operand("A", first) + ", " + ShapeRules.operand("B", v) + "; "
              + ShapeRules.ref("A", first, i) + ", " + ShapeRules.ref("B", v, i));
          return;
        }
      }
      Dim d = v.dim(axis);
      if (d.isSymbolic()) {
        ctx.fail(n, "concatenation along axis " + axis + ", which is symbolic (" + d + ") in "
            + ShapeRules.operand("input " + k, v) + ", is not supported");
        return;
      }
      total += d.size();
      if (v.dtype() != first.dtype()) {
        ctx.fail(n, "rule dtype(input 0) == dtype(input " + k + ") is broken: " + first.dtype() + " vs "
            + v.dtype());
        return;
      }
    }
    if (ins.stream().allMatch(Value::isConstant)) {
      H.out(n, ctx, ConstMath.concat(ins.stream().map(C::of).toList(), axis));
      return;
    }
    for (Value v : ins) {
      if (v.hasSymbols()) {
        H.noSymbols(n, C.of(v), "input '" + v.tensor() + "'");
      }
    }
    Shape s = first.shape().withDim(axis, Dim.of(total));
    String[] origins = first.origins();
    origins[axis] = n.describe();
    H.emit(n, ctx, new Op.Concat(axis), ins, first.dtype(), s, origins);
  }

  /** Resolved slice of one axis: first index, step and number of elements (ONNX clamping rules). */
  static long[] resolveSlice(long dim, long start, long end, long step) {
    if (start < 0) {
      start += dim;
    }
    if (end < 0) {
      end += dim;
    }
    if (step > 0) {
      start = Math.max(0, Math.min(dim, start));
      end = Math.max(0, Math.min(dim, end));
    } else {
      start = Math.max(-1, Math.min(dim - 1, start));
      end = Math.max(-1, Math.min(dim - 1, end));
    }
    long count = step > 0 ? Math.max(0, Math.floorDiv(end - start + step - 1, step))
        : Math.max(0, Math.floorDiv(start - end + (-step) - 1, -step));
    return new long[] {start, count};
  }

  static void slice(OnnxNode n, ImportContext ctx) {
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (n.opset() < 10) {
      n.attrs().allow("starts", "ends", "axes");
      starts = n.attrs().ints("starts");
      ends = n.attrs().ints("ends");
      axes = n.attrs().ints("axes");
      if (starts == null || ends == null) {
        throw n.unsupported("attributes 'starts' and 'ends' are required");
      }
    } else {
      n.attrs().allow();
      starts = H.ints(n, 1, "starts");
      ends = H.ints(n, 2, "ends");
      axes = n.hasInput(3) ? H.ints(n, 3, "axes") : null;
      steps = n.hasInput(4) ? H.ints(n, 4, "steps") : null;
    }
    Value x = n.in(0);
    int r = x.rank();
    if (axes == null) {
      axes = new long[starts.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    if (steps == null) {
      steps = new long[starts.length];
      Arrays.fill(steps, 1);
    }
    if (ends.length != starts.length || axes.length != starts.length || steps.length != starts.length) {
      ctx.fail(n, "starts, ends, axes and steps must have the same length, got " + starts.length + ", "
          + ends.length + ", " + axes.length + ", " + steps.length);
      return;
    }
    long[] first = new long[r];
    long[] step = new long[r];
    long[] count = new long[r];
    boolean[] sliced = new boolean[r];
    Arrays.fill(step, 1);
    for (int i = 0; i < r; i++) {
      count[i] = x.dim(i).isSymbolic() ? -1 : x.dim(i).size();
    }
    for (int k = 0; k < axes.length; k++) {
      Integer a = H.axis(n, ctx, axes[k], r, "axis");
      if (a == null) {
        return;
      }
      if (steps[k] == 0) {
        ctx.fail(n, "step 0 on axis " + a + " is invalid");
        return;
      }
      Dim d = x.dim(a);
      if (d.isSymbolic()) {
        if (starts[k] == 0 && steps[k] == 1 && ends[k] >= Integer.MAX_VALUE) {
          continue;
        }
        ctx.fail(n, "slicing the symbolic axis " + a + " (" + d + ") of " + ShapeRules.operand("X", x)
            + " is not supported; bind the batch to a fixed size");
        return;
      }
      long[] res = resolveSlice(d.size(), starts[k], ends[k], steps[k]);
      first[a] = res[0];
      step[a] = steps[k];
      count[a] = res[1];
      sliced[a] = true;
    }
    if (x.isConstant()) {
      H.out(n, ctx, ConstMath.slice(C.of(x), first, step, count));
      return;
    }
    emitSlice(n, ctx, x, first, step, count, sliced, n.outputName(0), true);
  }

  /** Emits an IR Slice over the sliced axes (positive steps only); binds {@code onnxOut}. */
  private static void emitSlice(OnnxNode n, ImportContext ctx, Value x, long[] first, long[] step, long[] count,
      boolean[] sliced, String onnxOut, boolean main) {
    List<Long> st = new ArrayList<>();
    List<Long> en = new ArrayList<>();
    List<Integer> ax = new ArrayList<>();
    List<Long> sp = new ArrayList<>();
    List<Dim> dims = new ArrayList<>();
    String[] origins = x.origins();
    for (int i = 0; i < x.rank(); i++) {
      if (sliced[i]) {
        if (step[i] < 0) {
          throw n.unsupported("a negative step on a run-time tensor is not supported");
        }
        st.add(first[i]);
        en.add(Math.min(x.dim(i).size(), first[i] + count[i] * step[i]));
        ax.add(i);
        sp.add(step[i]);
        dims.add(Dim.of(count[i]));
        if (count[i] != x.dim(i).size()) {
          origins[i] = n.describe();
        }
      } else {
        dims.add(x.dim(i));
      }
    }
    Op op = new Op.Slice(st.stream().mapToLong(Long::longValue).toArray(),
        en.stream().mapToLong(Long::longValue).toArray(), ax.stream().mapToInt(Integer::intValue).toArray(),
        sp.stream().mapToLong(Long::longValue).toArray());
    Value v = ctx.emit(main ? n.name() : n.aux(onnxOut), n, op, List.of(x), onnxOut, x.dtype(), new Shape(dims),
        origins);
    ctx.define(onnxOut, v);
  }

  static void split(OnnxNode n, ImportContext ctx) {
    List<String> allowed = new ArrayList<>(List.of("axis"));
    if (n.opset() < 13) {
      allowed.add("split");
    }
    if (n.opset() >= 18) {
      allowed.add("num_outputs");
    }
    n.attrs().allow(allowed.toArray(new String[0]));
    Value x = n.in(0);
    Integer axis = H.axis(n, ctx, n.attrs().i("axis", 0), x.rank(), "axis");
    if (axis == null) {
      return;
    }
    Dim d = x.dim(axis);
    if (d.isSymbolic()) {
      ctx.fail(n, "splitting along the symbolic axis " + axis + " (" + d + ") is not supported");
      return;
    }
    int parts = n.outputCount();
    long[] sizes = n.opset() < 13 ? n.attrs().ints("split") : n.hasInput(1) ? H.ints(n, 1, "split") : null;
    if (sizes == null) {
      long num = n.attrs().i("num_outputs", parts);
      long each = (d.size() + num - 1) / num;
      sizes = new long[(int) num];
      long left = d.size();
      for (int k = 0; k < num; k++) {
        sizes[k] = Math.min(each, left);
        left -= sizes[k];
      }
    }
    if (sizes.length != parts || Arrays.stream(sizes).sum() != d.size() || Arrays.stream(sizes).anyMatch(s -> s < 0)) {
      ctx.fail(n, "split sizes " + Arrays.toString(sizes) + " do not divide axis " + axis + " of "
          + ShapeRules.operand("X", x) + " into " + parts + " outputs");
      return;
    }
    long offset = 0;
    for (int k = 0; k < parts; k++) {
      long[] first = new long[x.rank()];
      long[] step = new long[x.rank()];
      long[] count = new long[x.rank()];
      boolean[] sliced = new boolean[x.rank()];
      Arrays.fill(step, 1);
      for (int i = 0; i < x.rank(); i++) {
        count[i] = x.dim(i).isSymbolic() ? -1 : x.dim(i).size();
      }
      first[axis] = offset;
      count[axis] = sizes[k];
      sliced[axis] = true;
      offset += sizes[k];
      String out = n.outputName(k);
      if (out == null) {
        continue;
      }
      if (x.isConstant()) {
        H.out(n, ctx, k, ConstMath.slice(C.of(x), first, step, count));
      } else {
        emitSlice(n, ctx, x, first, step, count, sliced, out, false);
      }
    }
  }

  static void gather(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("axis");
    Value x = n.in(0);
    Value iv = n.in(1);
    if (!iv.isConstant()) {
      throw n.unsupported("indices computed at run time are not supported (only constant indices)");
    }
    C idx = C.of(iv);
    H.noSymbols(n, idx, "the indices");
    Integer axis = H.axis(n, ctx, n.attrs().i("axis", 0), x.rank(), "axis");
    if (axis == null) {
      return;
    }
    Dim d = x.dim(axis);
    if (d.isSymbolic()) {
      ctx.fail(n, "gathering along the symbolic axis " + axis + " (" + d + ") of " + ShapeRules.operand("X", x)
          + " is not supported");
      return;
    }
    long[] ind = idx.longs();
    for (int k = 0; k < ind.length; k++) {
      long raw = ind[k];
      if (raw < -d.size() || raw >= d.size()) {
        ctx.fail(n, "rule -X[" + axis + "] <= indices < X[" + axis + "] is broken: index " + raw + " with "
            + ShapeRules.ref("X", x, axis));
        return;
      }
      ind[k] = raw < 0 ? raw + d.size() : raw;
    }
    if (x.isConstant()) {
      H.out(n, ctx, ConstMath.gather(C.of(x), axis, ind, idx.shape()));
      return;
    }
    List<Dim> dims = new ArrayList<>(x.shape().dims().subList(0, axis));
    List<String> origins = new ArrayList<>(Arrays.asList(x.origins()).subList(0, axis));
    for (long s : idx.shape()) {
      dims.add(Dim.of(s));
      origins.add(n.describe());
    }
    dims.addAll(x.shape().dims().subList(axis + 1, x.rank()));
    origins.addAll(Arrays.asList(x.origins()).subList(axis + 1, x.rank()));
    H.emit(n, ctx, new Op.Gather(axis, ind, idx.shape()), List.of(x), x.dtype(), new Shape(dims),
        origins.toArray(new String[0]));
  }

  static void expand(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    if (!H.allConstant(n)) {
      throw n.unsupported("only supported when its inputs are constant (the IR has no Expand op)");
    }
    C x = H.constant(n, 0, "the input");
    H.noSymbols(n, x, "the input");
    long[] shape = H.ints(n, 1, "the shape");
    long[] out = Nd.broadcastShape(x.shape(), shape);
    if (out == null) {
      ctx.fail(n, "shape " + Shape.toString(x.shape()) + " cannot be broadcast to " + Arrays.toString(shape));
      return;
    }
    int[] map = Nd.broadcastIndex(x.shape(), out);
    double[] v = new double[map.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = x.v()[map[i]];
    }
    H.out(n, ctx, new C(x.type(), out, v, null));
  }

  static void tile(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    if (!H.allConstant(n)) {
      throw n.unsupported("only supported when its inputs are constant (the IR has no Tile op)");
    }
    C x = H.constant(n, 0, "the input");
    H.noSymbols(n, x, "the input");
    long[] reps = H.ints(n, 1, "repeats");
    if (reps.length != x.rank()) {
      ctx.fail(n, "repeats " + Arrays.toString(reps) + " must have one entry per axis of "
          + Shape.toString(x.shape()));
      return;
    }
    long[] out = new long[x.rank()];
    for (int i = 0; i < out.length; i++) {
      out[i] = x.shape()[i] * reps[i];
    }
    long[] inStrides = Nd.strides(x.shape());
    int count = Nd.count(out);
    double[] v = new double[count];
    int[] idx = new int[out.length];
    for (int o = 0; o < count; o++) {
      long src = 0;
      for (int i = 0; i < out.length; i++) {
        src += (idx[i] % x.shape()[i]) * inStrides[i];
      }
      v[o] = x.v()[(int) src];
      for (int i = out.length - 1; i >= 0; i--) {
        if (++idx[i] < out[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    H.out(n, ctx, new C(x.type(), out, v, null));
  }

  static void constantOfShape(OnnxNode n, ImportContext ctx) {
    n.attrs().allow("value");
    long[] shape = H.ints(n, 0, "the shape");
    for (long s : shape) {
      if (s < 0) {
        ctx.fail(n, "shape " + Arrays.toString(shape) + " has a negative dimension");
        return;
      }
    }
    DType type = DType.FLOAT;
    double fill = 0;
    if (n.attrs().has("value")) {
      var t = Constants.tensorAttribute(n, "value");
      if (t.size() != 1) {
        throw n.unsupported("attribute 'value' must hold one element, it holds " + t.size());
      }
      type = (DType) t.type();
      fill = t.value(0);
    }
    double[] v = new double[Nd.count(shape)];
    Arrays.fill(v, fill);
    H.out(n, ctx, new C(type, shape, v, null));
  }

  static void range(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    C start = H.constant(n, 0, "start");
    C limit = H.constant(n, 1, "limit");
    C delta = H.constant(n, 2, "delta");
    H.noSymbols(n, start, "start");
    H.noSymbols(n, limit, "limit");
    H.noSymbols(n, delta, "delta");
    double s = start.v()[0];
    double l = limit.v()[0];
    double d = delta.v()[0];
    if (d == 0) {
      ctx.fail(n, "delta must not be 0");
      return;
    }
    int count = (int) Math.max(0, Math.ceil((l - s) / d));
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = C.fit(start.type(), s + i * d);
    }
    H.out(n, ctx, new C(start.type(), new long[] {count}, v, null));
  }

  static void identity(OnnxNode n, ImportContext ctx) {
    n.attrs().allow();
    H.out(n, ctx, n.in(0));
  }

  static void dropout(OnnxNode n, ImportContext ctx) {
    if (n.opset() < 7) {
      n.attrs().allow("is_test", "ratio", "consumed_inputs");
      if (n.attrs().i("is_test", 0) == 0) {
        throw n.unsupported("training-mode dropout (is_test = 0) is not supported");
      }
    } else if (n.opset() < 12) {
      n.attrs().allow("ratio");
    } else {
      n.attrs().allow("seed");
      if (n.hasInput(2)) {
        C training = H.constant(n, 2, "training_mode");
        if (training.v()[0] != 0) {
          throw n.unsupported("training_mode = true is not supported (inference only)");
        }
      }
    }
    n.refuseUsedOutputs(1, "the dropout mask");
    H.out(n, ctx, n.in(0));
  }

  static void depthToSpace(OnnxNode n, ImportContext ctx) {
    n.attrs().allow(n.opset() >= 11 ? new String[] {"blocksize", "mode"} : new String[] {"blocksize"});
    Value x = n.in(0);
    long b = n.attrs().i("blocksize");
    String mode = n.attrs().s("mode", "DCR");
    if (!mode.equals("DCR") && !mode.equals("CRD")) {
      throw n.unsupported("mode '" + mode + "' is not supported (DCR or CRD)");
    }
    if (x.rank() != 4) {
      ctx.fail(n, "rule rank(X) == 4 is broken: " + ShapeRules.operand("X", x));
      return;
    }
    if (!x.dim(1).isSymbolic() && (b <= 0 || x.dim(1).size() % (b * b) != 0) || x.dim(1).isSymbolic()
        || x.dim(2).isSymbolic() || x.dim(3).isSymbolic()) {
      ctx.fail(n, "rule X[1] % (blocksize*blocksize) == 0 with static C, H, W is broken: blocksize " + b + ", "
          + ShapeRules.operand("X", x) + "; " + ShapeRules.ref("X", x, 1));
      return;
    }
    long c = x.dim(1).size() / (b * b);
    long h = x.dim(2).size();
    long w = x.dim(3).size();
    Dim nb = x.dim(0);
    List<Dim> six = mode.equals("DCR")
        ? List.of(nb, Dim.of(b), Dim.of(b), Dim.of(c), Dim.of(h), Dim.of(w))
        : List.of(nb, Dim.of(c), Dim.of(b), Dim.of(b), Dim.of(h), Dim.of(w));
    int[] perm = mode.equals("DCR") ? new int[] {0, 3, 4, 1, 5, 2} : new int[] {0, 1, 4, 2, 5, 3};
    String[] o6 = H.origins(n, 6);
    o6[0] = x.origin(0);
    if (x.isConstant()) {
      throw n.unsupported("DepthToSpace of a constant is not supported");
    }
    Value r6 = H.aux(n, ctx, "reshape_in", new Op.Reshape(), List.of(x), x.dtype(), new Shape(six), o6);
    List<Dim> t = new ArrayList<>();
    for (int p : perm) {
      t.add(six.get(p));
    }
    Value tr = H.aux(n, ctx, "transpose", new Op.Transpose(perm), List.of(r6), x.dtype(), new Shape(t), o6);
    String[] o4 = H.origins(n, 4);
    o4[0] = x.origin(0);
    H.emit(n, ctx, new Op.Reshape(), List.of(tr), x.dtype(), new Shape(List.of(nb, Dim.of(c), Dim.of(h * b),
        Dim.of(w * b))), o4);
  }

  /**
   * Resize/Upsample in nearest mode with integer scale factors whose index mapping (for the given coordinate
   * transformation and nearest mode) is exactly "repeat each element s times": lowered to Reshape, Concat of s
   * copies and Reshape per scaled axis. Other modes and factors are refused.
   */
  static void resize(OnnxNode n, ImportContext ctx) {
    boolean upsample = n.opType().equals("Upsample");
    double[] scales;
    Value x = n.in(0);
    int r = x.rank();
    if (upsample) {
      n.attrs().allow(n.opset() < 9 ? new String[] {"mode", "scales"} : new String[] {"mode"});
      if (n.opset() < 9) {
        float[] f = n.attrs().floats("scales");
        if (f == null) {
          throw n.unsupported("required attribute 'scales' is missing");
        }
        scales = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          scales[i] = f[i];
        }
      } else {
        scales = H.constant(n, 1, "scales").v();
      }
    } else {
      n.attrs().allow("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
          "exclude_outside", "extrapolation_value", "antialias", "axes", "keep_aspect_ratio_policy");
      if (n.attrs().i("antialias", 0) != 0 || n.attrs().has("axes")) {
        throw n.unsupported("antialias and axes are not supported");
      }
      int scalesInput = n.opset() < 11 ? 1 : 2;
      if (n.hasInput(scalesInput) && H.constant(n, scalesInput, "scales").size() > 0) {
        scales = H.constant(n, scalesInput, "scales").v();
      } else if (n.opset() >= 11 && n.hasInput(3)) {
        long[] sizes = H.ints(n, 3, "sizes");
        if (sizes.length != r) {
          ctx.fail(n, "sizes " + Arrays.toString(sizes) + " must have one entry per axis of "
              + ShapeRules.operand("X", x));
          return;
        }
        scales = new double[r];
        for (int i = 0; i < r; i++) {
          if (x.dim(i).isSymbolic()) {
            scales[i] = 1;
            continue;
          }
          scales[i] = (double) sizes[i] / x.dim(i).size();
        }
      } else {
        throw n.unsupported("neither scales nor sizes is given");
      }
    }
    String mode = n.attrs().s("mode", "nearest");
    if (!mode.equals("nearest")) {
      throw n.unsupported("mode '" + mode + "' is not supported (only nearest with integer factors)");
    }
    String ctm = upsample ? "asymmetric" : n.attrs().s("coordinate_transformation_mode", "half_pixel");
    String nearest = upsample ? "floor" : n.attrs().s("nearest_mode", "round_prefer_floor");
    if (scales.length != r) {
      ctx.fail(n, "scales " + Arrays.toString(scales) + " must have one entry per axis of "
          + ShapeRules.operand("X", x));
      return;
    }
    Value cur = x;
    List<Integer> scaled = new ArrayList<>();
    for (int a = 0; a < r; a++) {
      double sc = scales[a];
      if (sc == 1) {
        continue;
      }
      long f = Math.round(sc);
      if (f < 2 || f != sc || x.dim(a).isSymbolic()) {
        throw n.unsupported("scale " + sc + " on axis " + a + " is not supported (only integer factors >= 1 on "
            + "static axes)");
      }
      if (!repeats(ctm, nearest, x.dim(a).size(), f)) {
        throw n.unsupported("coordinate_transformation_mode '" + ctm + "' with nearest_mode '" + nearest
            + "' and factor " + f + " does not repeat each element, which is the only supported form");
      }
      scaled.add(a);
    }
    if (scaled.isEmpty()) {
      H.out(n, ctx, x);
      return;
    }
    if (x.isConstant()) {
      throw n.unsupported("resizing a constant is not supported");
    }
    for (int k = 0; k < scaled.size(); k++) {
      int a = scaled.get(k);
      long f = Math.round(scales[a]);
      List<Dim> dims = new ArrayList<>(cur.shape().dims());
      List<String> org = new ArrayList<>(Arrays.asList(cur.origins()));
      dims.add(a + 1, Dim.of(1));
      org.add(a + 1, n.describe());
      Value split = H.aux(n, ctx, "axis" + a + "_split", new Op.Reshape(), List.of(cur), x.dtype(), new Shape(dims),
          org.toArray(new String[0]));
      List<Value> copies = new ArrayList<>();
      for (int c = 0; c < f; c++) {
        copies.add(split);
      }
      dims.set(a + 1, Dim.of(f));
      Value rep = H.aux(n, ctx, "axis" + a + "_repeat", new Op.Concat(a + 1), copies, x.dtype(), new Shape(dims),
          org.toArray(new String[0]));
      List<Dim> merged = new ArrayList<>(cur.shape().dims());
      merged.set(a, Dim.of(cur.dim(a).size() * f));
      String[] mo = cur.origins();
      mo[a] = n.describe();
      Op op = new Op.Reshape();
      cur = k == scaled.size() - 1 ? H.emit(n, ctx, op, List.of(rep), x.dtype(), new Shape(merged), mo)
          : H.aux(n, ctx, "axis" + a + "_merge", op, List.of(rep), x.dtype(), new Shape(merged), mo);
    }
  }

  /** True when the ONNX nearest-neighbour index of every output element i is i / f (integer division). */
  static boolean repeats(String ctm, String nearest, long in, long f) {
    long out = in * f;
    for (long i = 0; i < out; i++) {
      double xo;
      switch (ctm) {
        case "asymmetric" -> xo = (double) i / f;
        case "half_pixel" -> xo = (i + 0.5) / f - 0.5;
        case "pytorch_half_pixel" -> xo = out > 1 ? (i + 0.5) / f - 0.5 : 0;
        case "tf_half_pixel_for_nn" -> xo = (i + 0.5) / f;
        case "align_corners" -> xo = out == 1 ? 0 : (double) i * (in - 1) / (out - 1);
        default -> {
          return false;
        }
      }
      long src;
      switch (nearest) {
        case "floor" -> src = (long) Math.floor(xo);
        case "ceil" -> src = (long) Math.ceil(xo);
        case "round_prefer_floor" -> src = xo == Math.floor(xo) + 0.5 ? (long) Math.floor(xo) : Math.round(xo);
        case "round_prefer_ceil" -> src = xo == Math.floor(xo) + 0.5 ? (long) Math.ceil(xo) : Math.round(xo);
        default -> {
          return false;
        }
      }
      src = Math.max(0, Math.min(in - 1, src));
      if (src != i / f) {
        return false;
      }
    }
    return true;
  }
}
