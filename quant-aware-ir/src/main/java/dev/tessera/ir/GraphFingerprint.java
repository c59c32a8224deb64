package dev.tessera.ir;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A SHA-256 fingerprint of a quantized graph: inputs, outputs, every node with its op attributes, every tensor type
 * and every constant's raw values. Two graphs with the same fingerprint generate the same C++ and the same RTL; the
 * backends record it so that verification refuses a folder built from another graph.
 */
public final class GraphFingerprint {

  private GraphFingerprint() {
  }

  /** The hex fingerprint of {@code g}. */
  public static String of(Graph g) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    StringBuilder s = new StringBuilder();
    s.append("inputs ").append(g.inputs()).append("\noutputs ").append(g.outputs()).append('\n');
    for (Node n : g.nodes()) {
      s.append("node ").append(n.name()).append(' ').append(describe(n.op())).append(' ').append(n.inputs())
          .append(" -> ").append(n.outputs()).append('\n');
    }
    for (Map.Entry<String, ?> e : new TreeMap<>(g.types()).entrySet()) {
      s.append("type ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    md.update(s.toString().getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, Tensor> e : new TreeMap<>(g.constants()).entrySet()) {
      Tensor t = e.getValue();
      md.update(("const " + e.getKey() + ' ' + t.type() + Arrays.toString(t.shape()) + '\n')
          .getBytes(StandardCharsets.UTF_8));
      md.update((t.isFixed() ? Arrays.toString(t.raw()) : Arrays.toString(t.values()))
          .getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** An op with its attributes, arrays printed by value. */
  static String describe(Object op) {
    if (op == null || !op.getClass().isRecord()) {
      return String.valueOf(op);
    }
    StringBuilder b = new StringBuilder(op.getClass().getSimpleName()).append('(');
    RecordComponent[] rc = op.getClass().getRecordComponents();
    for (int i = 0; i < rc.length; i++) {
      Object v;
      try {
        v = rc[i].getAccessor().invoke(op);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + rc[i].getName() + " of " + op.getClass(), e);
      }
      b.append(i == 0 ? "" : ", ").append(rc[i].getName()).append('=').append(value(v));
    }
    return b.append(')').toString();
  }

  private static String value(Object v) {
    if (v instanceof long[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof int[] a) {
      return Arrays.toString(a);
    }
    if (v instanceof double[] a) {
      return Arrays.toString(a);
    }
    return describe(v);
  }
}
