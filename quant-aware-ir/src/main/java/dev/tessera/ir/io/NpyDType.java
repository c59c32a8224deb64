package dev.tessera.ir.io;

import java.util.Locale;

/**
 * The element types of a NumPy {@code .npy} file that Tessera reads: IEEE floats (16, 32, 64 bits), signed and
 * unsigned integers (8 to 64 bits) and bool. The {@code descr} of a file is a byte-order character ({@code <}
 * little-endian, {@code >} big-endian, {@code |} not applicable, {@code =} native) followed by one of the codes below.
 */
public enum NpyDType {
  FLOAT16("f", 2), FLOAT32("f", 4), FLOAT64("f", 8),
  INT8("i", 1), INT16("i", 2), INT32("i", 4), INT64("i", 8),
  UINT8("u", 1), UINT16("u", 2), UINT32("u", 4), UINT64("u", 8),
  BOOL("b", 1);

  private final String kind;
  private final int size;

  NpyDType(String kind, int size) {
    this.kind = kind;
    this.size = size;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** The type code without byte order, e.g. {@code f4}. */
  public String code() {
    return kind + size;
  }

  /** The {@code descr} Tessera writes: little-endian, or {@code |} for one-byte types. */
  public String descr() {
    return (size == 1 ? "|" : "<") + code();
  }

  /** The type of a type code such as {@code f4} or {@code u1}, or null when not supported. */
  public static NpyDType fromCode(String code) {
    for (NpyDType t : values()) {
      if (t.code().equals(code)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The type named by a user: {@code float32}, {@code float64}, {@code f4}, {@code int64}, ... (case-insensitive).
   */
  public static NpyDType parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (NpyDType t : values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(n) || t.code().equals(n)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown element type '" + name + "'; expected float32 or float64");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
