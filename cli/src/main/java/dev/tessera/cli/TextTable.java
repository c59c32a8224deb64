package dev.tessera.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: text columns left-aligned, numeric columns right-aligned. */
final class TextTable {
  private final List<String> headers;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<Integer> rulesBefore = new ArrayList<>();

  /** Column headers; a header starting with {@code >} marks a right-aligned column (the marker is dropped). */
  TextTable(String... headers) {
    this.headers = new ArrayList<>();
    this.rightAligned = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      rightAligned[i] = headers[i].startsWith(">");
      this.headers.add(rightAligned[i] ? headers[i].substring(1) : headers[i]);
    }
  }

  void row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size());
    }
    rows.add(List.of(cells));
  }

  /** A horizontal rule before the next row (e.g. above the totals). */
  void rule() {
    rulesBefore.add(rows.size());
  }

  String render() {
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, width);
    ruleLine(sb, width);
    for (int i = 0; i < rows.size(); i++) {
      if (rulesBefore.contains(i)) {
        ruleLine(sb, width);
      }
      line(sb, rows.get(i), width);
    }
    return sb.toString();
  }

  private void line(StringBuilder sb, List<String> cells, int[] width) {
    StringBuilder l = new StringBuilder();
    for (int c = 0; c < width.length; c++) {
      if (c > 0) {
        l.append("  ");
      }
      String s = cells.get(c);
      String pad = " ".repeat(width[c] - s.length());
      l.append(rightAligned[c] ? pad + s : s + pad);
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }

  private static void ruleLine(StringBuilder sb, int[] width) {
    int total = 0;
    for (int w : width) {
      total += w;
    }
    total += 2 * (width.length - 1);
    sb.append("-".repeat(total)).append('\n');
  }
}
