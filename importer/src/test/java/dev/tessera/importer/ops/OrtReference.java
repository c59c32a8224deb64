package dev.tessera.importer.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs a model in ONNX Runtime and, after import, in the float interpreter, and compares every output: float
 * outputs within 1e-5 relative plus 1e-6 of the output's largest magnitude (for sums that cancel to nearly zero in
 * float32), integer outputs exactly. Inputs are float32 values, so both sides see the same numbers.
 */
final class OrtReference {

  /** Relative tolerance of the comparison. */
  static final double RTOL = 1e-5;
  /** Absolute part of the tolerance, as a fraction of the output's largest magnitude (float32 cancellation). */
  static final double ATOL_OF_MAX = 1e-6;

  private OrtReference() {}

  /** One graph input: ONNX element type, concrete shape and values. */
  record Input(String name, int type, long[] shape, double[] values) {}

  /** One comparison: a label, the model and its inputs. */
  record Case(String label, byte[] model, List<Input> inputs) {}

  /** A float input of N(0, 1) values rounded to float32. */
  static Input normal(String name, Random r, long... shape) {
    double[] v = new double[count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return new Input(name, OnnxBuilder.FLOAT, shape, v);
  }

  /** A float input uniform in [lo, hi), rounded to float32. */
  static Input uniform(String name, Random r, double lo, double hi, long... shape) {
    double[] v = new double[count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return new Input(name, OnnxBuilder.FLOAT, shape, v);
  }

  /** An input of the given ONNX type and explicit values. */
  static Input of(String name, int type, long[] shape, double... values) {
    return new Input(name, type, shape, values);
  }

  /** N(0, 1) float32 values for an initializer. */
  static float[] normals(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  static int count(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return Math.toIntExact(n);
  }

  /** One dynamic test per case. */
  static Stream<DynamicTest> tests(List<Case> cases) {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> compare(c)));
  }

  /** Runs both sides and compares every output of the ORT session. */
  static void compare(Case c) throws OrtException {
    OrtResult res = runOrt(c.model(), c.inputs());
    Map<String, NdArray> ort = res.values();
    Graph g = OnnxImporter.load(c.model(), c.label().replaceAll("[^A-Za-z0-9_]", "_"));
    Map<String, NdArray> in = new LinkedHashMap<>();
    for (Input i : c.inputs()) {
      in.put(i.name(), new NdArray(i.shape(), i.values().clone()));
    }
    Map<String, NdArray> ours = new FloatInterpreter(g).run(in);
    assertEquals(ort.keySet(), ours.keySet(), "outputs");
    for (Map.Entry<String, NdArray> e : ort.entrySet()) {
      NdArray ref = e.getValue();
      NdArray got = ours.get(e.getKey());
      assertArrayEquals(ref.shape(), got.shape(), () -> c.label() + ": shape of '" + e.getKey() + "' is "
          + Shape.toString(got.shape()) + ", onnxruntime gives " + Shape.toString(ref.shape()));
      boolean integer = res.integers().contains(e.getKey());
      double maxAbs = 0;
      for (double v : ref.data()) {
        if (Double.isFinite(v)) {
          maxAbs = Math.max(maxAbs, Math.abs(v));
        }
      }
      for (int i = 0; i < ref.size(); i++) {
        double r = ref.data()[i];
        double v = got.data()[i];
        if (integer) {
          if (r != v) {
            fail(c.label() + ": integer output '" + e.getKey() + "' element " + i + " is " + v + ", onnxruntime "
                + "gives " + r);
          }
          continue;
        }
        if (Double.isNaN(r) || Double.isInfinite(r)) {
          assertEquals(r, v, c.label() + ": element " + i);
          continue;
        }
        double tol = RTOL * Math.abs(r) + ATOL_OF_MAX * maxAbs;
        if (!(Math.abs(v - r) <= tol)) {
          fail(c.label() + ": output '" + e.getKey() + "' element " + i + " is " + v + ", onnxruntime gives " + r
              + " (difference " + Math.abs(v - r) + ", tolerance " + tol + ")");
        }
      }
    }
  }

  /** The outputs of an ORT run as doubles, and the names of those of an integer type. */
  record OrtResult(Map<String, NdArray> values, Set<String> integers) {}

  /** The ORT session's outputs as doubles (float32, integer and double tensors). */
  static OrtResult runOrt(byte[] model, List<Input> inputs) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Set<String> integers = new HashSet<>();
    List<OnnxTensor> tensors = new ArrayList<>();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      opts.setInterOpNumThreads(1);
      try (OrtSession session = env.createSession(model, opts)) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        for (Input i : inputs) {
          OnnxTensor t = tensor(env, i);
          tensors.add(t);
          feed.put(i.name(), t);
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(feed)) {
          for (Map.Entry<String, OnnxValue> e : result) {
            OnnxTensor t = (OnnxTensor) e.getValue();
            out.put(e.getKey(), toArray(t));
            OnnxJavaType type = t.getInfo().type;
            if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.DOUBLE && type != OnnxJavaType.FLOAT16) {
              integers.add(e.getKey());
            }
          }
        }
        return new OrtResult(out, integers);
      }
    } finally {
      for (OnnxTensor t : tensors) {
        t.close();
      }
    }
  }

  private static OnnxTensor tensor(OrtEnvironment env, Input i) throws OrtException {
    double[] v = i.values();
    switch (i.type()) {
      case OnnxBuilder.FLOAT: {
        float[] f = new float[v.length];
        for (int k = 0; k < v.length; k++) {
          f[k] = (float) v[k];
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(f), i.shape());
      }
      case OnnxBuilder.INT8:
      case OnnxBuilder.UINT8: {
        ByteBuffer b = ByteBuffer.allocateDirect(v.length).order(ByteOrder.nativeOrder());
        for (double d : v) {
          b.put((byte) (long) d);
        }
        b.rewind();
        return OnnxTensor.createTensor(env, b, i.shape(),
            i.type() == OnnxBuilder.INT8 ? OnnxJavaType.INT8 : OnnxJavaType.UINT8);
      }
      case OnnxBuilder.INT32: {
        int[] a = new int[v.length];
        for (int k = 0; k < v.length; k++) {
          a[k] = (int) v[k];
        }
        return OnnxTensor.createTensor(env, IntBuffer.wrap(a), i.shape());
      }
      case OnnxBuilder.INT64: {
        long[] a = new long[v.length];
        for (int k = 0; k < v.length; k++) {
          a[k] = (long) v[k];
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(a), i.shape());
      }
      default:
        throw new IllegalArgumentException("input type " + i.type() + " is not supported by the test harness");
    }
  }

  private static NdArray toArray(OnnxTensor t) {
    TensorInfo info = t.getInfo();
    long[] shape = info.getShape();
    int n = count(shape);
    double[] d = new double[n];
    switch (info.type) {
      case FLOAT: {
        FloatBuffer b = t.getFloatBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      case DOUBLE: {
        java.nio.DoubleBuffer b = t.getDoubleBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      case INT8:
      case UINT8:
      case BOOL: {
        ByteBuffer b = t.getByteBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = info.type == OnnxJavaType.UINT8 ? b.get(i) & 0xff : b.get(i);
        }
        break;
      }
      case INT16: {
        java.nio.ShortBuffer b = t.getShortBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      case INT32: {
        IntBuffer b = t.getIntBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      case INT64: {
        LongBuffer b = t.getLongBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      default:
        throw new IllegalArgumentException("onnxruntime output of type " + info.type
            + " is not supported by the test harness");
    }
    return new NdArray(shape, d);
  }

  /** Every label unique, for readable reports. */
  static List<Case> cases(Case... cs) {
    List<Case> l = new ArrayList<>(Arrays.asList(cs));
    assertTrue(l.stream().map(Case::label).distinct().count() == l.size(), "duplicate case labels");
    return l;
  }
}
