package dev.tessera.ir;

/** The static type of a tensor value: element type and shape. */
public record TensorType(ElementType elementType, Shape shape) {

  public TensorType {
    if (elementType == null || shape == null) {
      throw new IllegalArgumentException("tensor type needs an element type and a shape");
    }
  }

  /** The fixed-point element type; an error when the tensor is not quantized. */
  public FixedType fixed() {
    if (elementType instanceof FixedType f) {
      return f;
    }
    throw new IllegalStateException("tensor of type " + this + " is not fixed-point");
  }

  public TensorType withElementType(ElementType e) {
    return new TensorType(e, shape);
  }

  public TensorType withShape(Shape s) {
    return new TensorType(elementType, s);
  }

  @Override
  public String toString() {
    return elementType + shape.toString();
  }
}
