package dev.tessera.importer.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The handler of every supported (domain, op type). */
public final class Registry {
  private final Map<String, OpHandler> handlers = new HashMap<>();

  private Registry() {}

  /** All handlers of the importer. */
  public static Registry standard() {
    Registry r = new Registry();
    ShapeOps.register(r);
    Constants.register(r);
    MathOps.register(r);
    LinearOps.register(r);
    ConvOps.register(r);
    QuantOps.register(r);
    return r;
  }

  void op(String opType, OpHandler h) {
    handlers.put(key("", opType), h);
  }

  void custom(String domain, String opType, OpHandler h) {
    handlers.put(key(domain, opType), h);
  }

  private static String key(String domain, String opType) {
    return domain + ":" + opType;
  }

  /** The handler, or null when the op is not supported. */
  public OpHandler get(String domain, String opType) {
    return handlers.get(key(domain, opType));
  }

  /** {@code domain:op} of every supported op, sorted (the default domain is empty). */
  public Set<String> supported() {
    return new TreeSet<>(handlers.keySet());
  }
}
