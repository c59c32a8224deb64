package dev.tessera.ir.io;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} file: element type, byte order, storage order and shape. {@link #parse} reads the
 * Python dict literal of the format ({@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }});
 * {@link #toText} writes one.
 *
 * @param dtype element type
 * @param order byte order of the data (little-endian for one-byte types)
 * @param fortranOrder true when the data is stored column-major
 * @param shape the array shape; empty for a scalar
 */
public record NpyHeader(NpyDType dtype, ByteOrder order, boolean fortranOrder, long[] shape) {

  public NpyHeader {
    shape = shape.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long count() {
    long n = 1;
    for (long s : shape) {
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  /** The dict literal, without padding or newline. */
  public String toText() {
    StringBuilder sb = new StringBuilder("{'descr': '");
    sb.append(order == ByteOrder.BIG_ENDIAN && dtype.size() > 1 ? ">" + dtype.code() : dtype.descr());
    sb.append("', 'fortran_order': ").append(fortranOrder ? "True" : "False").append(", 'shape': (");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    // a one-element Python tuple needs its trailing comma: (5,)
    return sb.append(shape.length == 1 ? ",), }" : "), }").toString();
  }

  /** Parses a header dict; {@code source} names the file in messages. */
  public static NpyHeader parse(String text, String source) {
    Object parsed;
    try {
      Parser p = new Parser(text.strip());
      parsed = p.value();
      p.skipSpace();
      if (!p.atEnd()) {
        throw p.error("unexpected text after the header dict");
      }
    } catch (IllegalArgumentException e) {
      throw new ArrayFormatException(source + ": bad .npy header: " + e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> dict)) {
      throw new ArrayFormatException(source + ": bad .npy header: not a dict");
    }
    Object descr = dict.get("descr");
    Object fortran = dict.get("fortran_order");
    Object shapeValue = dict.get("shape");
    if (descr == null || fortran == null || shapeValue == null) {
      throw new ArrayFormatException(source + ": .npy header needs 'descr', 'fortran_order' and 'shape'");
    }
    if (!(descr instanceof String d)) {
      throw new ArrayFormatException(source + ": structured .npy arrays (descr " + describe(descr)
          + ") are not supported; save a plain numeric array");
    }
    if (!(fortran instanceof Boolean fortranOrder)) {
      throw new ArrayFormatException(source + ": .npy header 'fortran_order' must be True or False");
    }
    if (!(shapeValue instanceof List<?> dims)) {
      throw new ArrayFormatException(source + ": .npy header 'shape' must be a tuple");
    }
    long[] shape = new long[dims.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long v) || v < 0) {
        throw new ArrayFormatException(source + ": .npy header 'shape' must hold non-negative integers");
      }
      shape[i] = v;
    }
    if (d.isEmpty()) {
      throw new ArrayFormatException(source + ": .npy header has an empty 'descr'");
    }
    char orderChar = d.charAt(0);
    String code = "<>|=".indexOf(orderChar) >= 0 ? d.substring(1) : d;
    NpyDType dtype = NpyDType.fromCode(code);
    if (dtype == null) {
      throw new ArrayFormatException(source + ": .npy element type '" + d
          + "' is not supported; use float16/32/64, (u)int8/16/32/64 or bool");
    }
    ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN
        : orderChar == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
    try {
      new NpyHeader(dtype, order, fortranOrder, shape).count();
    } catch (ArithmeticException e) {
      throw new ArrayFormatException(source + ": .npy shape " + dims + " is too large");
    }
    return new NpyHeader(dtype, order, fortranOrder, shape);
  }

  private static String describe(Object o) {
    return o instanceof List<?> ? "a list" : String.valueOf(o);
  }

  /** A recursive-descent parser for the Python literals a .npy header uses. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    boolean atEnd() {
      return pos >= s.length();
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at character " + pos);
    }

    Object value() {
      skipSpace();
      if (atEnd()) {
        throw error("unexpected end");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        return dict();
      }
      if (c == '(' || c == '[') {
        return sequence(c == '(' ? ')' : ']');
      }
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '-' || Character.isDigit(c)) {
        return integer();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      throw error("unexpected '" + c + "'");
    }

    private Map<Object, Object> dict() {
      pos++;
      Map<Object, Object> m = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (!atEnd() && s.charAt(pos) == '}') {
          pos++;
          return m;
        }
        Object key = value();
        skipSpace();
        expect(':');
        m.put(key, value());
        skipSpace();
        if (!atEnd() && s.charAt(pos) == ',') {
          pos++;
        } else if (atEnd() || s.charAt(pos) != '}') {
          throw error("expected ',' or '}'");
        }
      }
    }

    private List<Object> sequence(char close) {
      pos++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skipSpace();
        if (!atEnd() && s.charAt(pos) == close) {
          pos++;
          return items;
        }
        items.add(value());
        skipSpace();
        if (!atEnd() && s.charAt(pos) == ',') {
          pos++;
        } else if (atEnd() || s.charAt(pos) != close) {
          throw error("expected ',' or '" + close + "'");
        }
      }
    }

    private String string() {
      char quote = s.charAt(pos++);
      int end = s.indexOf(quote, pos);
      if (end < 0) {
        throw error("unterminated string");
      }
      String v = s.substring(pos, end);
      pos = end + 1;
      return v;
    }

    private Long integer() {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      if (pos < s.length() && s.charAt(pos) == 'L') {
        pos++;
        return parseLong(s.substring(start, pos - 1));
      }
      return parseLong(s.substring(start, pos));
    }

    private Long parseLong(String digits) {
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw error("bad integer '" + digits + "'");
      }
    }

    private void expect(char c) {
      if (atEnd() || s.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }
  }
}
