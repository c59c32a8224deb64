package dev.tessera.ir;

/**
 * One dimension of a shape: a known size, or a symbol (the batch dimension {@code N}, or a name from the model)
 * whose size is bound at run time.
 */
public record Dim(long size, String symbol) {

  public Dim {
    if (symbol == null && size < 0) {
      throw new IllegalArgumentException("dimension " + size + " must not be negative");
    }
    if (symbol != null) {
      size = -1;
    }
  }

  public static Dim of(long size) {
    return new Dim(size, null);
  }

  public static Dim sym(String symbol) {
    return new Dim(-1, symbol);
  }

  public boolean isSymbolic() {
    return symbol != null;
  }

  @Override
  public String toString() {
    return symbol != null ? symbol : Long.toString(size);
  }
}
