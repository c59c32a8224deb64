package dev.tessera.ir;

/** The element type of a tensor: an ONNX numeric type before quantization, a {@link FixedType} after. */
public sealed interface ElementType permits DType, FixedType {
  /** True for fixed-point types. */
  default boolean isFixed() {
    return this instanceof FixedType;
  }
}
