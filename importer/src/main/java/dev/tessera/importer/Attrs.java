package dev.tessera.importer;

import dev.tessera.importer.proto.Onnx.AttributeProto;
import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.ir.diag.UnsupportedOpException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to the attributes of one node. A handler first calls {@link #allow} with every attribute it
 * understands: any other attribute is an error, because an attribute the importer ignored could change the
 * semantics.
 */
public final class Attrs {
  private final OnnxNode node;
  private final Map<String, AttributeProto> byName = new LinkedHashMap<>();

  Attrs(OnnxNode node, NodeProto proto) {
    this.node = node;
    for (AttributeProto a : proto.getAttributeList()) {
      if (!a.getRefAttrName().isEmpty()) {
        throw node.unsupported("attribute '" + a.getName() + "' refers to a function attribute ('"
            + a.getRefAttrName() + "'), which only function bodies may do");
      }
      byName.put(a.getName(), a);
    }
  }

  /** Fails with an {@link UnsupportedOpException} naming the first attribute not in {@code known}. */
  public void allow(String... known) {
    Set<String> ok = Set.of(known);
    Set<String> unknown = new TreeSet<>();
    for (String name : byName.keySet()) {
      if (!ok.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw node.unsupported("unknown attribute" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.stream().map(s -> "'" + s + "'").toList()) + " (known for "
          + node.opType() + " at opset " + node.opset() + ": "
          + (known.length == 0 ? "none" : String.join(", ", new TreeSet<>(ok))) + ")");
    }
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  /** The raw attribute, or null. */
  public AttributeProto get(String name) {
    return byName.get(name);
  }

  public long i(String name, long dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return dflt;
    }
    expect(a, AttributeProto.AttributeType.INT);
    return a.getI();
  }

  /** A required integer attribute. */
  public long i(String name) {
    require(name);
    return i(name, 0);
  }

  public float f(String name, float dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return dflt;
    }
    expect(a, AttributeProto.AttributeType.FLOAT);
    return a.getF();
  }

  public String s(String name, String dflt) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return dflt;
    }
    expect(a, AttributeProto.AttributeType.STRING);
    return a.getS().toString(StandardCharsets.UTF_8);
  }

  /** An INTS attribute, or null when absent. */
  public long[] ints(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeProto.AttributeType.INTS);
    return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** A FLOATS attribute, or null when absent. */
  public float[] floats(String name) {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeProto.AttributeType.FLOATS);
    float[] out = new float[a.getFloatsCount()];
    for (int k = 0; k < out.length; k++) {
      out[k] = a.getFloats(k);
    }
    return out;
  }

  private void require(String name) {
    if (!byName.containsKey(name)) {
      throw node.unsupported("required attribute '" + name + "' is missing");
    }
  }

  private void expect(AttributeProto a, AttributeProto.AttributeType type) {
    AttributeProto.AttributeType actual = a.hasType() ? a.getType() : guess(a);
    if (actual != type) {
      throw node.unsupported("attribute '" + a.getName() + "' must be of type " + type.name().toLowerCase()
          + ", not " + actual.name().toLowerCase());
    }
  }

  /** IR version 1 files have no type field; infer it from the field that is set. */
  private static AttributeProto.AttributeType guess(AttributeProto a) {
    if (a.hasF()) {
      return AttributeProto.AttributeType.FLOAT;
    }
    if (a.hasI()) {
      return AttributeProto.AttributeType.INT;
    }
    if (a.hasS()) {
      return AttributeProto.AttributeType.STRING;
    }
    if (a.hasT()) {
      return AttributeProto.AttributeType.TENSOR;
    }
    if (a.getFloatsCount() > 0) {
      return AttributeProto.AttributeType.FLOATS;
    }
    if (a.getIntsCount() > 0) {
      return AttributeProto.AttributeType.INTS;
    }
    return AttributeProto.AttributeType.UNDEFINED;
  }
}
