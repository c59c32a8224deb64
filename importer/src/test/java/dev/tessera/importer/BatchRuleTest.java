package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.diag.ShapeException;
import dev.tessera.ir.op.Op;
import org.junit.jupiter.api.Test;

/** Axis 0 of the graph inputs becomes the symbolic batch N, and reshapes that mention the batch keep working. */
class BatchRuleTest {

  private static Graph load(OnnxBuilder b) {
    return OnnxImporter.load(b.build(), "m");
  }

  @Test
  void fixedExportBatchBecomesSymbolic() {
    Graph g = load(OnnxBuilder.model(9).input("x", OnnxBuilder.FLOAT, 789444, 16)
        .initializer(OnnxBuilder.int64s("s", 789444, 4, 4))
        .node("Reshape").in("x", "s").out("y").model().output("y", OnnxBuilder.FLOAT, 789444, 4, 4));
    assertEquals(Shape.batched(16), g.type("x").shape());
    assertEquals(Shape.batched(4, 4), g.type("y").shape());
    assertEquals("789444", g.metadata().get("onnx.declaredBatch"));
    assertEquals("N", g.metadata().get("batch"));
  }

  @Test
  void leadingOneIsTheBatchWhenTheExportBatchIsOne() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2, 8)
        .initializer(OnnxBuilder.int64s("s", 1, -1))
        .node("Reshape").in("x", "s").out("y").model().output("y"));
    assertEquals(Shape.batched(16), g.type("y").shape());
  }

  @Test
  void symbolicInputNamesBecomeTheBatch() {
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, "batch_size", 3)
        .node("Relu").in("x").out("y").model().output("y", OnnxBuilder.FLOAT, "batch_size", 3));
    assertEquals(Shape.batched(3), g.type("y").shape());
    assertEquals("symbolic", g.metadata().get("onnx.declaredBatch"));
  }

  @Test
  void shapeChainsCarryTheBatchSymbol() {
    // x.view(x.size(0), -1) as PyTorch exports it: Shape, Gather, Unsqueeze, Concat, Reshape
    Graph g = load(OnnxBuilder.model(11).input("x", OnnxBuilder.FLOAT, 1, 4, 4)
        .initializer(OnnxBuilder.int64s("zero", new long[0], 0))
        .initializer(OnnxBuilder.int64s("minus1", -1))
        .node("Shape").in("x").out("shape").model()
        .node("Gather").in("shape", "zero").out("n").attr("axis", 0L).model()
        .node("Unsqueeze").in("n").out("n1").ints("axes", 0).model()
        .node("Concat").in("n1", "minus1").out("target").attr("axis", 0L).model()
        .node("Reshape").in("x", "target").out("y").model().output("y"));
    assertEquals(Shape.batched(16), g.type("y").shape());
    assertEquals(1, g.nodes().size(), "the shape computation is folded away");
    assertTrue(g.nodes().get(0).op() instanceof Op.Reshape);
  }

  private static OnnxBuilder doubledBatchReshape(Object batch) {
    return OnnxBuilder.model(11).input("x", OnnxBuilder.FLOAT, batch, 4, 4)
        .initializer(OnnxBuilder.int64s("zero", new long[0], 0))
        .initializer(OnnxBuilder.int64s("two", new long[0], 2))
        .initializer(OnnxBuilder.int64s("minus1", -1))
        .node("Shape").in("x").out("shape").model()
        .node("Gather").in("shape", "zero").out("n").model()
        .node("Mul").in("n", "two").out("n2").model()
        .node("Unsqueeze").in("n2").out("n1").ints("axes", 0).model()
        .node("Concat").in("n1", "minus1").out("target").attr("axis", 0L).model()
        .node("Reshape").name("rs").in("x", "target").out("y").model().output("y");
  }

  @Test
  void arithmeticOnASymbolicBatchInAShapeIsAnError() {
    ShapeException e = assertThrows(ShapeException.class, () -> load(doubledBatchReshape("batch")));
    assertEquals("node 'rs' (Reshape): target shape element 0 is computed by arithmetic on a symbolic dimension, "
        + "which the IR cannot express; bind the batch to a fixed size", e.getMessage());
  }

  @Test
  void arithmeticOnADeclaredBatchImportsWithThatBatchFixed() {
    Graph g = load(doubledBatchReshape(1));
    assertEquals(Shape.of(2, 8), g.type("y").shape());
    assertTrue(g.metadata().get("batch").startsWith("1 (fixed"));
  }

  @Test
  void bindingTheBatchGivesStaticShapes() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 789444, 16)
        .initializer(OnnxBuilder.int64s("s", 789444, 4, 4))
        .node("Reshape").in("x", "s").out("y").model().output("y");
    Graph g = OnnxImporter.load(b.build(), "m", ImportOptions.batch(1));
    assertEquals(Shape.of(1, 4, 4), g.type("y").shape());
    assertEquals("1", g.metadata().get("batch"));
  }

  @Test
  void otherInputsWithTheSameLeadingSizeShareTheBatch() {
    Graph g = load(OnnxBuilder.model(13).input("a", OnnxBuilder.FLOAT, 2, 4).input("b", OnnxBuilder.FLOAT, 2, 4)
        .input("w", OnnxBuilder.FLOAT, 4, 3)
        .node("Add").in("a", "b").out("s").model()
        .node("MatMul").in("s", "w").out("y").model().output("y"));
    assertEquals(Shape.batched(4), g.type("b").shape());
    assertEquals(Shape.of(4, 3), g.type("w").shape(), "a leading size other than the batch stays");
    assertEquals(Shape.batched(3), g.type("y").shape());
  }

  @Test
  void axisZeroUsedAsADataAxisFallsBackToTheDeclaredSize() {
    // softmax over axis 0 cannot be typed with a symbolic batch: the importer fixes the declared size
    Graph g = load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 4, 8)
        .node("Softmax").in("x").out("y").attr("axis", 0L).model().output("y"));
    assertEquals(Shape.of(4, 8), g.type("y").shape());
    assertTrue(g.metadata().get("batch").startsWith("4 (fixed"), g.metadata().get("batch"));
  }

  @Test
  void kerasFlattenAtAxisZeroIsReadPerSample() {
    Graph g = load(OnnxBuilder.model(9).input("x", OnnxBuilder.FLOAT, 1, 3, 2)
        .node("Flatten").in("x").out("y").attr("axis", 0L).model().output("y", OnnxBuilder.FLOAT, 1, 6));
    assertEquals(Shape.batched(6), g.type("y").shape());
  }
}
