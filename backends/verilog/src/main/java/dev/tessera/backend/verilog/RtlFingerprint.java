package dev.tessera.backend.verilog;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Tensor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 over what the generated RTL depends on: the graph interface, every node with its op attributes (arrays by
 * value), every tensor type and every constant's raw integers.
 */
public final class RtlFingerprint {
  private RtlFingerprint() {}

  public static String of(Graph g) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    StringBuilder s = new StringBuilder("in ").append(g.inputs()).append(" out ").append(g.outputs()).append('\n');
    for (Node n : g.nodes()) {
      s.append(n.name()).append(' ').append(attributes(n.op())).append(' ').append(n.inputs()).append(' ')
          .append(n.outputs()).append('\n');
    }
    new TreeMap<>(g.types()).forEach((k, v) -> s.append(k).append(':').append(v).append('\n'));
    md.update(s.toString().getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, Tensor> e : new TreeMap<>(g.constants()).entrySet()) {
      Tensor t = e.getValue();
      md.update((e.getKey() + t.type() + Arrays.toString(t.shape())).getBytes(StandardCharsets.UTF_8));
      md.update((t.isFixed() ? Arrays.toString(t.raw()) : Arrays.toString(t.values()))
          .getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static String attributes(Object op) {
    if (op == null || !op.getClass().isRecord()) {
      return String.valueOf(op);
    }
    StringBuilder b = new StringBuilder(op.getClass().getSimpleName()).append('(');
    for (RecordComponent rc : op.getClass().getRecordComponents()) {
      Object v;
      try {
        v = rc.getAccessor().invoke(op);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + rc.getName(), e);
      }
      b.append(rc.getName()).append('=');
      if (v instanceof long[] a) {
        b.append(Arrays.toString(a));
      } else if (v instanceof int[] a) {
        b.append(Arrays.toString(a));
      } else if (v instanceof double[] a) {
        b.append(Arrays.toString(a));
      } else {
        b.append(v);
      }
      b.append(';');
    }
    return b.append(')').toString();
  }
}
