package dev.tessera.ir;

/** ONNX element types that the importer understands (TensorProto.DataType numbers). */
public enum DType implements ElementType {
  FLOAT(1), UINT8(2), INT8(3), UINT16(4), INT16(5), INT32(6), INT64(7), BOOL(9), FLOAT16(10),
  DOUBLE(11), UINT32(12), UINT64(13), BFLOAT16(16);

  private final int onnxCode;

  DType(int onnxCode) {
    this.onnxCode = onnxCode;
  }

  /** The TensorProto.DataType number. */
  public int onnxCode() {
    return onnxCode;
  }

  /** True for FLOAT, DOUBLE, FLOAT16 and BFLOAT16. */
  public boolean isFloat() {
    return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
  }

  /** The type for an ONNX data type number, or null when Tessera does not support it. */
  public static DType fromOnnx(int code) {
    for (DType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
