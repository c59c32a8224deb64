package dev.tessera.ir.interp;

import static dev.tessera.ir.interp.FloatTestGraphs.arr;
import static dev.tessera.ir.interp.FloatTestGraphs.assertExact;
import static dev.tessera.ir.interp.FloatTestGraphs.assertShape;
import static dev.tessera.ir.interp.FloatTestGraphs.constant;
import static dev.tessera.ir.interp.FloatTestGraphs.f;
import static dev.tessera.ir.interp.FloatTestGraphs.fb;
import static dev.tessera.ir.interp.FloatTestGraphs.iota;
import static dev.tessera.ir.interp.FloatTestGraphs.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.diag.NodeException;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.op.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The run/runAll contract: binding of the batch, input checks, constant folding, dead nodes, declared types. */
class FloatInterpreterTest {

  /** x [N,2] -> Dense(Quant(W)) -> Relu -> y, with the weight quantized by a constant-only Quant node. */
  private static Graph quantizedDense() {
    return Graph.builder("qd").input("x", fb(2))
        .constant("W", constant(s(2, 2), 0.3, -0.7, 1.1, 0.26))
        .constant("s", constant(s(), 0.25)).constant("z", constant(s(), 0)).constant("b", constant(s(), 4))
        .node(new Node("qw", new Op.Quant(true, false, "ROUND"), List.of("W", "s", "z", "b"), List.of("Wq")),
            f(2, 2))
        .node(new Node("dense", new Op.Dense(null), List.of("x", "Wq"), List.of("h")), fb(2))
        .node(new Node("relu", new Op.Relu(), List.of("h"), List.of("y")), fb(2))
        .output("y").build();
  }

  @Test
  void runReturnsOutputsAndRunAllEveryComputedTensor() {
    FloatInterpreter fi = new FloatInterpreter(quantizedDense());
    NdArray x = arr(s(2, 2), 1, 1, 2, -1);
    Map<String, NdArray> out = fi.run(Map.of("x", x));
    assertEquals(List.of("y"), List.copyOf(out.keySet()));
    // Wq = [[0.25, -0.75], [1, 0.25]]
    assertExact(new double[] {1.25, 0, 0, 0}, out.get("y"));
    Map<String, NdArray> all = fi.runAll(Map.of("x", x));
    assertEquals(List.of("x", "Wq", "h", "y"), List.copyOf(all.keySet()));
    assertExact(new double[] {0.25, -0.75, 1, 0.25}, all.get("Wq"));
    assertExact(new double[] {1.25, -0.5, -0.5, -1.75}, all.get("h"));
    assertSame(x, all.get("x"));
  }

  @Test
  void theBatchIsBoundPerRun() {
    FloatInterpreter fi = new FloatInterpreter(quantizedDense());
    assertShape(s(1, 2), fi.run(Map.of("x", iota(1, 2))).get("y"));
    assertShape(s(7, 2), fi.run(Map.of("x", iota(7, 2))).get("y"));
    assertShape(s(0, 2), fi.run(Map.of("x", iota(0, 2))).get("y"));
  }

  @Test
  void wrongInputShapeNamesInputExpectedAndGiven() {
    FloatInterpreter fi = new FloatInterpreter(quantizedDense());
    TesseraException e = assertThrows(TesseraException.class, () -> fi.run(Map.of("x", iota(2, 3))));
    assertEquals("input 'x' expects shape [N,2], got [2,3] (axis 1 is 3 instead of 2)", e.getMessage());
    TesseraException r = assertThrows(TesseraException.class, () -> fi.run(Map.of("x", iota(4))));
    assertEquals("input 'x' expects shape [N,2], got [4] (rank 1 instead of 2)", r.getMessage());
  }

  @Test
  void missingAndUnknownInputs() {
    FloatInterpreter fi = new FloatInterpreter(quantizedDense());
    TesseraException m = assertThrows(TesseraException.class, () -> fi.run(Map.of()));
    assertEquals("input 'x' is missing; the graph's inputs are [x]", m.getMessage());
    TesseraException u = assertThrows(TesseraException.class,
        () -> fi.run(Map.of("x", iota(1, 2), "typo", iota(1))));
    assertEquals("unknown input 'typo'; the graph's inputs are [x]", u.getMessage());
  }

  @Test
  void inputsMustAgreeOnTheBatch() {
    Graph g = Graph.builder("t").input("x", fb(2)).input("z", fb(2))
        .node(new Node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("x", "z"), List.of("y")), fb(2))
        .output("y").build();
    TesseraException e = assertThrows(TesseraException.class,
        () -> new FloatInterpreter(g).run(Map.of("x", iota(2, 2), "z", iota(3, 2))));
    assertEquals("input 'z' expects shape [N,2], got [3,2] (axis 0 is 3 but N is bound to 2)", e.getMessage());
  }

  @Test
  void aComputedShapeThatContradictsTheDeclaredTypeIsANodeError() {
    Graph g = Graph.builder("t").input("x", fb(3))
        .node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), fb(4)).output("y").build();
    NodeException e = assertThrows(NodeException.class, () -> new FloatInterpreter(g).run(Map.of("x",
        iota(2, 3))));
    assertEquals("node 'r' (Relu): computed output 'y' of shape [2,3] but the graph declares [N,4] (axis 1 is 3 "
        + "instead of 4)", e.getMessage());
  }

  @Test
  void constantNodesAreEvaluatedWhenTheInterpreterIsBuilt() {
    Graph g = Graph.builder("t").input("x", fb(2))
        .constant("a", constant(s(2), 1, 2)).constant("b", constant(s(3), 1, 2, 3))
        .node(new Node("bad", new Op.Binary(Op.BinaryKind.ADD), List.of("a", "b"), List.of("c")), f(2))
        .node(new Node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("x", "c"), List.of("y")), fb(2))
        .output("y").build();
    NodeException e = assertThrows(NodeException.class, () -> new FloatInterpreter(g));
    assertTrue(e.getMessage().startsWith("node 'bad' (Add): shapes [2] and [3] do not broadcast"), e.getMessage());
  }

  @Test
  void deadNodesRunOnlyInRunAll() {
    // 'dead' would fail (its second input has 3 elements), but no output depends on it
    Graph g = Graph.builder("t").input("x", fb(2)).constant("c", constant(s(3), 1, 2, 3))
        .node(new Node("live", new Op.Relu(), List.of("x"), List.of("y")), fb(2))
        .node(new Node("dead", new Op.Binary(Op.BinaryKind.ADD), List.of("x", "c"), List.of("d")), fb(2))
        .output("y").build();
    FloatInterpreter fi = new FloatInterpreter(g);
    assertExact(new double[] {0, 1}, fi.run(Map.of("x", arr(s(1, 2), -1, 1))).get("y"));
    NodeException e = assertThrows(NodeException.class, () -> fi.runAll(Map.of("x", arr(s(1, 2), -1, 1))));
    assertTrue(e.getMessage().startsWith("node 'dead' (Add)"), e.getMessage());
  }

  @Test
  void callersMayChangeResultsThatComeFromConstants() {
    Graph g = Graph.builder("t").input("x", fb(2)).constant("c", constant(s(2, 2), 1, 2, 3, 4))
        .node(new Node("flat", new Op.Reshape(), List.of("c"), List.of("k")), f(4))
        .node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), fb(2))
        .output("k").output("y").build();
    FloatInterpreter fi = new FloatInterpreter(g);
    Map<String, NdArray> in = Map.of("x", iota(1, 2));
    fi.run(in).get("k").data()[0] = 99;
    fi.runAll(in).get("k").data()[1] = 99;
    assertExact(new double[] {1, 2, 3, 4}, fi.run(in).get("k"));
    assertExact(new double[] {1, 2, 3, 4}, NdArray.of(g.constant("c")));
    assertExact(new double[] {1, 2, 3, 4}, new NdArray(s(4), g.constant("c").values()));
  }

  @Test
  void nodesOutOfTopologicalOrderAreRejected() {
    Graph g = Graph.builder("t").input("x", fb(2))
        .node(new Node("second", new Op.Relu(), List.of("h"), List.of("y")), fb(2))
        .node(new Node("first", new Op.Relu(), List.of("x"), List.of("h")), fb(2))
        .output("y").build();
    NodeException e = assertThrows(NodeException.class, () -> new FloatInterpreter(g));
    assertEquals("node 'second' (Relu): input 'h' is produced after the node (the nodes are not in topological "
        + "order)", e.getMessage());
  }

  @Test
  void aGraphInputCanBeAGraphOutput() {
    Graph g = Graph.builder("t").input("x", fb(2))
        .node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), fb(2)).output("x").output("y").build();
    NdArray x = arr(s(1, 2), -1, 1);
    Map<String, NdArray> out = new FloatInterpreter(g).run(Map.of("x", x));
    assertEquals(List.of("x", "y"), List.copyOf(out.keySet()));
    assertSame(x, out.get("x"));
  }

  @Test
  void aUsedSecondOutputIsUnsupported() {
    Graph g = Graph.builder("t").input("x", f(1, 1, 4))
        .node(new Node("mp", new Op.MaxPool(s(2), s(2), s(0), s(0), null), List.of("x"), List.of("y", "idx")))
        .type("y", f(1, 1, 2)).type("idx", f(1, 1, 2)).output("y").output("idx").build();
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> new FloatInterpreter(g));
    assertEquals("node 'mp' (MaxPool): output 1 ('idx') is used, but only the first output of this op is computed",
        e.getMessage());
    Graph unused = Graph.builder("t").input("x", f(1, 1, 4))
        .node(new Node("mp", new Op.MaxPool(s(2), s(2), s(0), s(0), null), List.of("x"), List.of("y", "idx")))
        .type("y", f(1, 1, 2)).type("idx", f(1, 1, 2)).output("y").build();
    assertExact(new double[] {1, 3}, new FloatInterpreter(unused).run(Map.of("x", iota(1, 1, 4))).get("y"));
  }

  @Test
  void oneInterpreterServesSeveralThreads() throws Exception {
    FloatInterpreter fi = new FloatInterpreter(quantizedDense());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<double[]>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int batch = 50 + t;
        futures.add(pool.submit(() -> {
          double[] last = null;
          for (int r = 0; r < 200; r++) {
            last = fi.run(Map.of("x", iota(batch, 2))).get("y").data();
          }
          return last;
        }));
      }
      for (int t = 0; t < 8; t++) {
        double[] expected = fi.run(Map.of("x", iota(50 + t, 2))).get("y").data();
        assertExact(expected, new NdArray(s(expected.length), futures.get(t).get()));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
