package dev.tessera.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.op.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphStatsTest {

  @Test
  void countsParametersOnceAndMacsPerSample() {
    // x [N,3,8,8] -> Conv 4x3x3x3 (pad 1) -> [N,4,8,8] -> Reshape [N,256] -> Dense 256x10 (+bias) -> Mul by w
    Graph.Builder b = Graph.builder("stats");
    b.input("x", new TensorType(DType.FLOAT, Shape.batched(3, 8, 8)));
    b.constant("W", Tensor.ofFloats(new long[] {4, 3, 3, 3}, new double[108]));
    b.constant("B", Tensor.ofFloats(new long[] {4}, new double[4]));
    b.constant("D", Tensor.ofFloats(new long[] {256, 10}, new double[2560]));
    b.constant("d", Tensor.ofFloats(new long[] {10}, new double[10]));
    long[] one = {1, 1};
    b.node(new Node("conv", new Op.Conv(new long[] {3, 3}, one, one, one, one, 1, null), List.of("x", "W", "B"),
        List.of("c")), new TensorType(DType.FLOAT, Shape.batched(4, 8, 8)));
    b.node(new Node("flat", new Op.Reshape(), List.of("c"), List.of("f")),
        new TensorType(DType.FLOAT, Shape.batched(256)));
    b.node(new Node("fc", new Op.Dense(null), List.of("f", "D", "d"), List.of("y")),
        new TensorType(DType.FLOAT, Shape.batched(10)));
    b.node(new Node("scale", new Op.Binary(Op.BinaryKind.MUL), List.of("y", "d"), List.of("z")),
        new TensorType(DType.FLOAT, Shape.batched(10)));
    b.output("z");
    GraphStats s = GraphStats.of(b.build());
    assertEquals(108 + 4 + 2560 + 10, s.parameters(), "shared constant 'd' counts once");
    assertEquals(112, s.nodes().get(0).parameters());
    assertEquals(4 * 8 * 8 * 3 * 9, s.nodes().get(0).macs());
    assertEquals(0, s.nodes().get(1).macs());
    assertEquals(256 * 10, s.nodes().get(2).macs());
    assertEquals(10, s.nodes().get(3).macs());
    assertEquals(10, s.nodes().get(3).parameters());
    assertEquals(4 * 8 * 8 * 27 + 2560 + 10, s.macs());
  }
}
