package dev.tessera.importer;

import dev.tessera.ir.DType;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * What the importer knows about one ONNX tensor while it converts the graph: the IR tensor that holds it, its element
 * type and inferred shape, which graph input, initializer or node produced each dimension (for error messages), and
 * its value when it is known at import time.
 *
 * <p>A constant integer tensor that was computed from shapes (Shape → Gather → Concat chains) may hold symbolic
 * elements: {@code symbols[i]} names the symbol (e.g. the batch {@code N}) whose run-time size element {@code i}
 * stands for; the numeric value of such an element is only the exporter's example size. A {@link #poisoned()} value
 * comes from a node whose shape check failed; nodes that read it skip their own checks so that one mistake is
 * reported once.
 */
public final class Value {
  /** Marks a symbolic element computed by arithmetic, which the IR cannot express. */
  public static final String EXPRESSION = "<expr>";

  private final String tensor;
  private final DType dtype;
  private final Shape shape;
  private final String[] origins;
  private final Tensor constant;
  private final String[] symbols;
  private final boolean poisoned;

  private Value(String tensor, DType dtype, Shape shape, String[] origins, Tensor constant, String[] symbols,
      boolean poisoned) {
    this.tensor = tensor;
    this.dtype = dtype;
    this.shape = shape;
    this.origins = origins;
    this.constant = constant;
    this.symbols = symbols;
    this.poisoned = poisoned;
    if (origins.length != shape.rank()) {
      throw new IllegalArgumentException("origins " + origins.length + " do not match rank " + shape.rank());
    }
  }

  /** A tensor computed at run time; {@code origins[i]} says who produced dimension i. */
  public static Value dynamic(String tensor, DType dtype, Shape shape, String[] origins) {
    return new Value(tensor, dtype, shape, origins.clone(), null, null, false);
  }

  /** A tensor computed at run time whose every dimension comes from one producer. */
  public static Value dynamic(String tensor, DType dtype, Shape shape, String origin) {
    String[] o = new String[shape.rank()];
    Arrays.fill(o, origin);
    return new Value(tensor, dtype, shape, o, null, null, false);
  }

  /** A value known at import time; {@code symbols} may be null. */
  public static Value constant(String tensor, Tensor value, String origin, String[] symbols) {
    DType dt = (DType) value.type();
    String[] o = new String[value.rank()];
    Arrays.fill(o, origin);
    String[] sym = symbols == null || Arrays.stream(symbols).allMatch(s -> s == null) ? null : symbols.clone();
    return new Value(tensor, dt, Shape.of(value.shape()), o, value, sym, false);
  }

  /** A value whose shape is unknown because its producer broke a shape rule. */
  public static Value poisoned(String tensor, DType dtype) {
    return new Value(tensor, dtype, new Shape(List.of()), new String[0], null, null, true);
  }

  /** The IR tensor name. */
  public String tensor() {
    return tensor;
  }

  public DType dtype() {
    return dtype;
  }

  public Shape shape() {
    return shape;
  }

  public int rank() {
    return shape.rank();
  }

  public Dim dim(int axis) {
    return shape.dim(axis);
  }

  /** Who produced dimension {@code axis} (negative axes count from the end). */
  public String origin(int axis) {
    return origins[axis < 0 ? axis + origins.length : axis];
  }

  public String[] origins() {
    return origins.clone();
  }

  public boolean isConstant() {
    return constant != null;
  }

  /** The value, or null for run-time tensors. */
  public Tensor constant() {
    return constant;
  }

  /** Per-element symbols of a constant shape tensor, or null when every element is a plain number. */
  public String[] symbols() {
    return symbols == null ? null : symbols.clone();
  }

  public boolean hasSymbols() {
    return symbols != null;
  }

  public boolean poisoned() {
    return poisoned;
  }

  public TensorType type() {
    return new TensorType(dtype, shape);
  }

  /** The same value under another IR tensor name. */
  public Value renamed(String newTensor) {
    return new Value(newTensor, dtype, shape, origins, constant, symbols, poisoned);
  }

  @Override
  public String toString() {
    return "'" + tensor + "' " + dtype + shape;
  }
}
