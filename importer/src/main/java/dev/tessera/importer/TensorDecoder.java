package dev.tessera.importer;

import com.google.protobuf.ByteString;
import dev.tessera.importer.proto.Onnx.SparseTensorProto;
import dev.tessera.importer.proto.Onnx.StringStringEntryProto;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.ir.DType;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes an ONNX TensorProto (typed fields or little-endian raw_data) into an IR {@link Tensor}. External data,
 * segments, strings and element types Tessera has no use for are refused; NaN values are refused because they make
 * every later comparison meaningless.
 */
public final class TensorDecoder {

  private TensorDecoder() {}

  /** The ONNX name of a data type number, for messages. */
  public static String typeName(int code) {
    TensorProto.DataType t = TensorProto.DataType.forNumber(code);
    return t == null ? "unknown type " + code : t.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The IR type of an ONNX element type, or a ModelFormatException naming {@code what}. */
  public static DType dtype(int code, String what) {
    DType d = DType.fromOnnx(code);
    if (d == null) {
      throw new ModelFormatException(what + " has element type " + typeName(code)
          + ", which Tessera does not support (supported: float, double, float16, bfloat16, int8..int64, uint8..uint64,"
          + " bool)");
    }
    return d;
  }

  /** Decodes a tensor; {@code what} names it in errors, e.g. {@code initializer 'W'}. */
  public static Tensor decode(TensorProto t, String what) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      String location = "";
      for (StringStringEntryProto e : t.getExternalDataList()) {
        if (e.getKey().equals("location")) {
          location = " ('" + e.getValue() + "')";
        }
      }
      throw new ModelFormatException(what + " keeps its data in an external file" + location
          + "; external data is not supported: save the model with all tensors inside the .onnx file");
    }
    if (t.hasSegment()) {
      throw new ModelFormatException(what + " is a segment of a larger tensor, which is not supported");
    }
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    for (long d : shape) {
      if (d < 0) {
        throw new ModelFormatException(what + " has a negative dimension " + d + " in its shape "
            + Shape.toString(shape));
      }
    }
    if (t.getDataType() == TensorProto.DataType.STRING_VALUE) {
      throw new ModelFormatException(what + " is a string tensor, which Tessera does not support");
    }
    DType type = dtype(t.getDataType(), what);
    long n;
    try {
      n = Tensor.count(shape);
    } catch (ArithmeticException e) {
      throw new ModelFormatException(what + " has shape " + Shape.toString(shape) + ", too many elements");
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(what + " has " + n + " elements, more than Tessera can hold");
    }
    double[] values = t.hasRawData() ? fromRaw(t.getRawData(), type, (int) n, what) : fromTyped(t, type, what);
    if (values.length != n) {
      throw new ModelFormatException(what + " has " + values.length + " values but its shape "
          + Shape.toString(shape) + " needs " + n);
    }
    if (type.isFloat()) {
      for (int i = 0; i < values.length; i++) {
        if (Double.isNaN(values[i])) {
          throw new ModelFormatException(what + " contains NaN (element " + i + " of " + values.length + ")");
        }
      }
    }
    return Tensor.ofValues(type, shape, values);
  }

  /** Densifies a sparse tensor (values at linear or coordinate indices, zero elsewhere). */
  public static Tensor decodeSparse(SparseTensorProto s, String what) {
    Tensor values = decode(s.getValues(), what + " (values)");
    Tensor indices = decode(s.getIndices(), what + " (indices)");
    long[] shape = s.getDimsList().stream().mapToLong(Long::longValue).toArray();
    for (long d : shape) {
      if (d < 0) {
        throw new ModelFormatException(what + " has a negative dimension in " + Shape.toString(shape));
      }
    }
    int n = Math.toIntExact(Tensor.count(shape));
    double[] dense = new double[n];
    int nnz = values.size();
    long[] idx = indices.longs();
    boolean coordinates = indices.rank() == 2;
    for (int k = 0; k < nnz; k++) {
      long linear;
      if (coordinates) {
        linear = 0;
        for (int a = 0; a < shape.length; a++) {
          linear = linear * shape[a] + idx[k * shape.length + a];
        }
      } else {
        linear = idx[k];
      }
      if (linear < 0 || linear >= n) {
        throw new ModelFormatException(what + " has an index outside its shape " + Shape.toString(shape));
      }
      dense[(int) linear] = values.value(k);
    }
    return Tensor.ofValues((DType) values.type(), shape, dense);
  }

  private static double[] fromTyped(TensorProto t, DType type, String what) {
    switch (type) {
      case FLOAT:
        return floats(t);
      case DOUBLE:
        return t.getDoubleDataList().stream().mapToDouble(Double::doubleValue).toArray();
      case INT64:
        return t.getInt64DataList().stream().mapToDouble(Long::doubleValue).toArray();
      case UINT32:
      case UINT64: {
        double[] v = new double[t.getUint64DataCount()];
        for (int i = 0; i < v.length; i++) {
          long raw = t.getUint64Data(i);
          v[i] = raw >= 0 ? raw : (double) (raw >>> 1) * 2.0 + (raw & 1);
        }
        return v;
      }
      case FLOAT16: {
        double[] v = new double[t.getInt32DataCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = halfToFloat(t.getInt32Data(i) & 0xffff);
        }
        return v;
      }
      case BFLOAT16: {
        double[] v = new double[t.getInt32DataCount()];
        for (int i = 0; i < v.length; i++) {
          v[i] = Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
        }
        return v;
      }
      default: {
        double[] v = new double[t.getInt32DataCount()];
        for (int i = 0; i < v.length; i++) {
          int raw = t.getInt32Data(i);
          v[i] = switch (type) {
            case UINT8 -> raw & 0xff;
            case INT8 -> (byte) raw;
            case UINT16 -> raw & 0xffff;
            case INT16 -> (short) raw;
            case BOOL -> raw != 0 ? 1 : 0;
            default -> raw;
          };
        }
        return v;
      }
    }
  }

  private static double[] floats(TensorProto t) {
    double[] v = new double[t.getFloatDataCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatData(i);
    }
    return v;
  }

  private static double[] fromRaw(ByteString raw, DType type, int n, String what) {
    int width = switch (type) {
      case UINT8, INT8, BOOL -> 1;
      case UINT16, INT16, FLOAT16, BFLOAT16 -> 2;
      case FLOAT, INT32, UINT32 -> 4;
      case INT64, UINT64, DOUBLE -> 8;
    };
    if (raw.size() != (long) width * n) {
      throw new ModelFormatException(what + " has " + raw.size() + " bytes of raw data but needs " + (long) width * n
          + " (" + n + " elements of " + type + ")");
    }
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (type) {
        case UINT8 -> b.get() & 0xff;
        case INT8 -> b.get();
        case BOOL -> b.get() != 0 ? 1 : 0;
        case UINT16 -> b.getShort() & 0xffff;
        case INT16 -> b.getShort();
        case FLOAT16 -> halfToFloat(b.getShort() & 0xffff);
        case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        case FLOAT -> b.getFloat();
        case INT32 -> b.getInt();
        case UINT32 -> b.getInt() & 0xffffffffL;
        case INT64 -> b.getLong();
        case UINT64 -> {
          long r = b.getLong();
          yield r >= 0 ? r : (double) (r >>> 1) * 2.0 + (r & 1);
        }
        case DOUBLE -> b.getDouble();
      };
    }
    return v;
  }

  /** IEEE 754 binary16 to float. */
  static float halfToFloat(int h) {
    int sign = (h >>> 15) & 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) {
      v = mant * 0x1p-24f;
    } else if (exp == 31) {
      v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      v = Math.scalb(1.0f + mant / 1024.0f, exp - 15);
    }
    return sign == 1 ? -v : v;
  }
}
