package dev.tessera.ir.io;

import dev.tessera.ir.interp.NdArray;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Text matrices: one sample per row, its values flattened in row-major order. {@link #CSV} separates values with
 * commas ({@code .csv}); {@link #WHITESPACE} with spaces or tabs ({@code .dat}, {@code .txt}, hls4ml's test-bench
 * format). Empty lines and lines starting with {@code #} are skipped; a first CSV line that holds no number at all
 * is a header and is skipped too. Numbers are Java/Python decimal or {@code nan}, {@code inf}, {@code -inf}.
 */
public enum TextMatrix {
  CSV(Pattern.compile("\\s*,\\s*"), ","),
  WHITESPACE(Pattern.compile("\\s+"), " ");

  private final Pattern split;
  private final String separator;

  TextMatrix(Pattern split, String separator) {
    this.split = split;
    this.separator = separator;
  }

  /** Reads a file into a [rows, columns] array. */
  public NdArray read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString());
    }
  }

  /** Parses text into a [rows, columns] array; {@code source} names it in messages. */
  public NdArray read(String text, String source) {
    try {
      return read(new StringReader(text), source);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string cannot fail", e);
    }
  }

  private NdArray read(Reader reader, String source) throws IOException {
    BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    List<double[]> rows = new ArrayList<>();
    int columns = -1;
    int lineNo = 0;
    boolean seenData = false;
    String line;
    while ((line = r.readLine()) != null) {
      lineNo++;
      String t = line.strip();
      if (lineNo == 1 && t.startsWith("\uFEFF")) {
        t = t.substring(1).strip();
      }
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] fields = split.split(t);
      if (!seenData && this == CSV && isHeader(fields)) {
        seenData = true;
        continue;
      }
      seenData = true;
      double[] row = new double[fields.length];
      for (int i = 0; i < fields.length; i++) {
        row[i] = parse(fields[i], source, lineNo, i + 1);
      }
      if (columns < 0) {
        columns = row.length;
      } else if (row.length != columns) {
        throw new ArrayFormatException(source + ": line " + lineNo + " has " + row.length
            + " values; the rows before it have " + columns);
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new ArrayFormatException(source + ": no data rows (one sample per line expected)");
    }
    double[] data = new double[Math.multiplyExact(rows.size(), columns)];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, data, i * columns, columns);
    }
    return new NdArray(new long[] {rows.size(), columns}, data);
  }

  private static boolean isHeader(String[] fields) {
    for (String f : fields) {
      if (number(f) != null) {
        return false;
      }
    }
    return true;
  }

  private static double parse(String field, String source, int line, int column) {
    Double v = number(field);
    if (v == null) {
      throw new ArrayFormatException(source + ": line " + line + ", column " + column + ": '" + field
          + "' is not a number");
    }
    return v;
  }

  private static Double number(String field) {
    String f = field.strip();
    switch (f.toLowerCase(java.util.Locale.ROOT)) {
      case "nan", "+nan", "-nan" -> {
        return Double.NaN;
      }
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        // Double.parseDouble also takes hex floats and a trailing d/f; allow only plain decimals
        if (f.isEmpty() || !f.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          return null;
        }
        return Double.parseDouble(f);
      }
    }
  }

  /**
   * Writes one row per index of axis 0, the rest flattened. Values are printed as the shortest decimal that reads
   * back to the same float32 (when {@code asFloat32}) or float64.
   */
  public void write(Path file, NdArray array, boolean asFloat32) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w, array, asFloat32);
    }
  }

  /** As {@link #write(Path, NdArray, boolean)}, to a writer. */
  public void write(Writer w, NdArray array, boolean asFloat32) throws IOException {
    long rows = array.rank() == 0 ? 1 : array.shape()[0];
    double[] d = array.data();
    int per = rows == 0 ? 0 : (int) (d.length / rows);
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      sb.setLength(0);
      for (int c = 0; c < per; c++) {
        if (c > 0) {
          sb.append(separator);
        }
        double v = d[r * per + c];
        sb.append(format(v, asFloat32));
      }
      sb.append('\n');
      w.write(sb.toString());
    }
  }

  private static String format(double value, boolean asFloat32) {
    double v = asFloat32 ? (float) value : value;
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return asFloat32 ? Float.toString((float) v) : Double.toString(v);
  }

  /** The format of a file by its extension: {@code .csv} or {@code .dat}/{@code .txt}; null for others. */
  public static TextMatrix forFile(Path file) {
    String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (n.endsWith(".csv")) {
      return CSV;
    }
    if (n.endsWith(".dat") || n.endsWith(".txt")) {
      return WHITESPACE;
    }
    return null;
  }
}
