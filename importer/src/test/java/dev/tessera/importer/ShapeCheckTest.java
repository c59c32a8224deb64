package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.ShapeException;
import org.junit.jupiter.api.Test;

/** Static shape inference and checking: compiler-style errors with rules and provenance, all collected. */
class ShapeCheckTest {

  private static float[] zeros(int n) {
    return new float[n];
  }

  private static ShapeException shapeError(OnnxBuilder b) {
    return assertThrows(ShapeException.class, () -> OnnxImporter.load(b.build(), "m"));
  }

  @Test
  void matmulMismatchNamesRuleOperandsAndProducers() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, "batch", 16)
        .initializer("W", new long[] {32, 8}, zeros(256))
        .node("MatMul").name("fc").in("x", "W").out("y").model().output("y");
    ShapeException e = shapeError(b);
    assertEquals("node 'fc' (MatMul): rule A[-1] == B[-2] is broken: A 'x' float[N,16], B 'W' float[32,8]; "
        + "A[-1]=16 (from graph input 'x'), B[-2]=32 (from initializer 'W')", e.getMessage());
  }

  @Test
  void provenanceFollowsDimensionsThroughNodes() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 16)
        .initializer("W1", new long[] {16, 64}, zeros(1024))
        .initializer("W2", new long[] {32, 5}, zeros(160))
        .node("MatMul").name("fc1").in("x", "W1").out("h").model()
        .node("Relu").name("act").in("h").out("r").model()
        .node("MatMul").name("fc2").in("r", "W2").out("y").model().output("y");
    assertEquals("node 'fc2' (MatMul): rule A[-1] == B[-2] is broken: A 'r' float[N,64], B 'W2' float[32,5]; "
        + "A[-1]=64 (from initializer 'W1'), B[-2]=32 (from initializer 'W2')", shapeError(b).getMessage());
  }

  @Test
  void allErrorsAreCollectedBeforeFailing() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 16)
        .initializer("A", new long[] {8, 4}, zeros(32))
        .initializer("B", new long[] {3}, zeros(3))
        .node("MatMul").name("left").in("x", "A").out("l").model()
        .node("Add").name("right").in("x", "B").out("r").model()
        .node("Relu").name("after_left").in("l").out("l2").model()
        .output("l2").output("r");
    ShapeException e = shapeError(b);
    assertEquals(2, e.errors().size(), e.errors().toString());
    assertTrue(e.errors().get(0).startsWith("node 'left' (MatMul): rule A[-1] == B[-2]"));
    assertEquals("node 'right' (Add): broadcast rule A[-1] == B[-1] (or one of them is 1) is broken: A 'x' "
        + "float[N,16], B 'B' float[3]; A[-1]=16 (from graph input 'x'), B[-1]=3 (from initializer 'B')",
        e.errors().get(1));
    assertTrue(e.getMessage().endsWith("(and 1 more shape error)"), e.getMessage());
  }

  @Test
  void declaredOutputShapeMustAgreeWithInference() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 16)
        .initializer("W", new long[] {16, 8}, zeros(128))
        .node("MatMul").name("fc").in("x", "W").out("y").model().output("y", OnnxBuilder.FLOAT, 1, 7);
    assertEquals("graph output 'y' is declared with shape [1,7] but inference gives float[N,8]: axis 1 is 8 (from "
        + "initializer 'W'), declared 7", shapeError(b).getMessage());
  }

  @Test
  void declaredValueInfoMustAgreeWithInference() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 16)
        .node("Relu").name("r").in("x").out("h").model()
        .node("Sigmoid").name("s").in("h").out("y").model()
        .declare("h", OnnxBuilder.INT64, 1, 16).output("y");
    assertEquals("value_info 'h' is declared as int64 but inference gives float[N,16]", shapeError(b).getMessage());
  }

  @Test
  void declaredBatchAndSymbolicDimensionsAgreeWithTheBatch() {
    Graph g = OnnxImporter.load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 789444, 16)
        .node("Relu").in("x").out("y").model().output("y", OnnxBuilder.FLOAT, 789444, 16)
        .build(), "m");
    assertEquals(new TensorType(DType.FLOAT, Shape.batched(16)), g.type("y"));
  }

  @Test
  void elementTypesMustAgree() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .initializer(OnnxBuilder.int64s("k", new long[] {2}, 1, 2))
        .node("Add").name("add").in("x", "k").out("y").model().output("y");
    assertEquals("node 'add' (Add): rule dtype(A) == dtype(B) is broken: A 'x' float[N,2], B 'k' int64[2]",
        shapeError(b).getMessage());
  }

  @Test
  void convChannelRule() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3, 8, 8)
        .initializer("W", new long[] {4, 2, 3, 3}, zeros(72))
        .node("Conv").name("conv").in("x", "W").out("y").model().output("y");
    assertEquals("node 'conv' (Conv): rule X[1] == W[1] * group and W[0] % group == 0 is broken: X 'x' "
        + "float[N,3,8,8], W 'W' float[4,2,3,3], group 1; X[1]=3 (from graph input 'x'), W[1]=2 (from initializer "
        + "'W')", shapeError(b).getMessage());
  }

  @Test
  void reshapeElementCount() {
    OnnxBuilder b = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 12)
        .initializer(OnnxBuilder.int64s("s", 0, 5))
        .node("Reshape").name("rs").in("x", "s").out("y").model().output("y");
    assertEquals("node 'rs' (Reshape): rule numel(X) == numel(target) is broken: X 'x' float[N,12], target [0, 5]: "
        + "element counts differ: input [N,12] has 12*N elements, target [N,5] has 5*N", shapeError(b).getMessage());
  }

  @Test
  void everyTensorGetsATypeAndAShape() {
    Graph g = OnnxImporter.load(OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 3, 8, 8)
        .initializer("W", new long[] {4, 3, 3, 3}, zeros(108))
        .node("Conv").in("x", "W").out("c").ints("pads", 1, 1, 1, 1).ints("strides", 2, 2).model()
        .node("GlobalAveragePool").in("c").out("p").model()
        .node("Flatten").in("p").out("y").model().output("y").build(), "m");
    assertEquals(Shape.batched(4, 4, 4), g.type("c").shape());
    assertEquals(Shape.batched(4, 1, 1), g.type("p").shape());
    assertEquals(Shape.batched(4), g.type("y").shape());
    for (var n : g.nodes()) {
      assertTrue(g.types().containsKey(n.output()));
    }
  }
}
