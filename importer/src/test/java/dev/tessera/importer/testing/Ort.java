package dev.tessera.importer.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tessera.ir.interp.NdArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a model with ONNX Runtime (the reference) on NdArray inputs; outputs come back as doubles. */
public final class Ort implements AutoCloseable {
  private static OrtEnvironment env;
  private final OrtSession session;

  private Ort(OrtSession session) {
    this.session = session;
  }

  private static synchronized OrtEnvironment env() {
    if (env == null) {
      env = OrtEnvironment.getEnvironment();
    }
    return env;
  }

  /** A session for the model bytes; throws OrtException when ONNX Runtime cannot load it. */
  public static Ort load(byte[] model) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setIntraOpNumThreads(1);
    return new Ort(env().createSession(model, o));
  }

  /** Input names in model order. */
  public List<String> inputNames() {
    return new ArrayList<>(session.getInputNames());
  }

  /** Runs the model; each input is converted to the element type the model declares. */
  public Map<String, NdArray> run(Map<String, NdArray> inputs) throws OrtException {
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      for (var e : session.getInputInfo().entrySet()) {
        NdArray a = inputs.get(e.getKey());
        if (a == null) {
          throw new IllegalArgumentException("missing input " + e.getKey());
        }
        TensorInfo ti = (TensorInfo) e.getValue().getInfo();
        in.put(e.getKey(), tensor(ti, a));
      }
      Map<String, NdArray> out = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(in)) {
        for (Map.Entry<String, OnnxValue> e : r) {
          out.put(e.getKey(), toNd((OnnxTensor) e.getValue()));
        }
      }
      return out;
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  private static OnnxTensor tensor(TensorInfo ti, NdArray a) throws OrtException {
    long[] s = a.shape();
    double[] d = a.data();
    switch (ti.type) {
      case FLOAT: {
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) d[i];
        }
        return OnnxTensor.createTensor(env(), FloatBuffer.wrap(f), s);
      }
      case DOUBLE:
        return OnnxTensor.createTensor(env(), DoubleBuffer.wrap(d.clone()), s);
      case INT64: {
        long[] l = new long[d.length];
        for (int i = 0; i < l.length; i++) {
          l[i] = (long) d[i];
        }
        return OnnxTensor.createTensor(env(), LongBuffer.wrap(l), s);
      }
      case INT32: {
        int[] l = new int[d.length];
        for (int i = 0; i < l.length; i++) {
          l[i] = (int) d[i];
        }
        return OnnxTensor.createTensor(env(), IntBuffer.wrap(l), s);
      }
      case INT8:
      case UINT8: {
        ByteBuffer b = ByteBuffer.allocateDirect(d.length).order(ByteOrder.nativeOrder());
        for (double v : d) {
          b.put((byte) (long) v);
        }
        b.rewind();
        return OnnxTensor.createTensor(env(), b, s, ti.type);
      }
      default:
        throw new IllegalArgumentException("input type " + ti.type + " is not supported by the test runner");
    }
  }

  private static NdArray toNd(OnnxTensor t) {
    TensorInfo ti = t.getInfo();
    long[] shape = ti.getShape();
    int n = 1;
    for (long v : shape) {
      n *= (int) v;
    }
    double[] d = new double[n];
    switch (ti.onnxType) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: {
        FloatBuffer f = t.getFloatBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = f.get(i);
        }
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: {
        DoubleBuffer f = t.getDoubleBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = f.get(i);
        }
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: {
        LongBuffer f = t.getLongBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = f.get(i);
        }
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: {
        ByteBuffer b = t.getByteBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i) & 0xff;
        }
        break;
      }
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: {
        ByteBuffer b = t.getByteBuffer();
        for (int i = 0; i < n; i++) {
          d[i] = b.get(i);
        }
        break;
      }
      default:
        throw new IllegalArgumentException("output type " + ti.onnxType + " is not supported by the test runner");
    }
    return new NdArray(shape, d);
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
