package dev.tessera.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** A tensor shape; dimensions are known sizes or symbols (see {@link Dim}). */
public record Shape(List<Dim> dims) {

  /** Name of the symbolic batch dimension that the importer gives to axis 0 of graph inputs. */
  public static final String BATCH = "N";

  public Shape {
    dims = List.copyOf(dims);
  }

  public static Shape of(long... sizes) {
    List<Dim> d = new ArrayList<>();
    for (long s : sizes) {
      d.add(Dim.of(s));
    }
    return new Shape(d);
  }

  /** A shape whose axis 0 is the symbolic batch and the rest are the given sizes. */
  public static Shape batched(long... rest) {
    List<Dim> d = new ArrayList<>();
    d.add(Dim.sym(BATCH));
    for (long s : rest) {
      d.add(Dim.of(s));
    }
    return new Shape(d);
  }

  public int rank() {
    return dims.size();
  }

  public Dim dim(int axis) {
    return dims.get(axis < 0 ? axis + dims.size() : axis);
  }

  /** Size of an axis; negative axes count from the end; a symbolic axis is an error. */
  public long size(int axis) {
    Dim d = dim(axis);
    if (d.isSymbolic()) {
      throw new IllegalStateException("axis " + axis + " of " + this + " is symbolic");
    }
    return d.size();
  }

  public boolean isStatic() {
    return dims.stream().noneMatch(Dim::isSymbolic);
  }

  /** Number of elements; symbolic dimensions count as 1 (per sample). */
  public long elementsPerSample() {
    long n = 1;
    for (Dim d : dims) {
      if (!d.isSymbolic()) {
        n *= d.size();
      }
    }
    return n;
  }

  /** Sizes with every symbolic dimension replaced by {@code symbolValue}. */
  public long[] sizes(long symbolValue) {
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).isSymbolic() ? symbolValue : dims.get(i).size();
    }
    return s;
  }

  /** Sizes of a static shape. */
  public long[] sizes() {
    if (!isStatic()) {
      throw new IllegalStateException("shape " + this + " is not static");
    }
    return sizes(1);
  }

  /** The shape without its first axis (the per-sample shape of a batched tensor). */
  public Shape dropFirst() {
    return new Shape(dims.subList(1, dims.size()));
  }

  public Shape withDim(int axis, Dim d) {
    List<Dim> copy = new ArrayList<>(dims);
    copy.set(axis, d);
    return new Shape(copy);
  }

  @Override
  public String toString() {
    return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
  }

  public static String toString(long[] sizes) {
    return Arrays.stream(sizes).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
