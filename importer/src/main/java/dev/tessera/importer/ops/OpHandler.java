package dev.tessera.importer.ops;

import dev.tessera.importer.ImportContext;
import dev.tessera.importer.OnnxNode;

/** Converts one ONNX node: checks its attributes and shapes, then folds it or emits IR nodes. */
@FunctionalInterface
public interface OpHandler {
  void convert(OnnxNode node, ImportContext ctx);
}
