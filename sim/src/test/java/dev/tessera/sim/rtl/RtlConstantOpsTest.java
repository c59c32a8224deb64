package dev.tessera.sim.rtl;

import dev.tessera.backend.verilog.VerilogOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Add, Sub (both operand orders) and Mul by broadcast constants in RTL (what the lowered QONNX quantizers and
 * FINN's input scaling need), with rounding, wrapping and saturating result types: zero mismatches under stalls.
 */
class RtlConstantOpsTest {

  @TempDir
  Path tmp;

  private static FixedType t(String s) {
    return FixedType.parse(s);
  }

  @Test
  void constantAddSubAndMulMatchTheInterpreter() throws Exception {
    Graph.Builder b = Graph.builder("constant_ops");
    long[] sample = {3, 4};
    b.input("x", new TensorType(t("fixed<8,3>"), Shape.batched(sample)));
    // c - x with one constant per channel (shape [3, 1])
    b.constant("c", Tensor.ofRaw(t("fixed<6,4>"), new long[] {3, 1}, new long[] {5, -7, 31}));
    b.node(new Node("rsub", new Op.Binary(Op.BinaryKind.SUB), List.of("c", "x"), List.of("a")),
        new TensorType(t("fixed<10,6>"), Shape.batched(sample)));
    // times a constant per column (shape [4]), one of them 0 and one a power of two, rounded and saturated
    b.constant("k", Tensor.ofRaw(t("fixed<6,2>"), new long[] {4}, new long[] {-13, 0, 8, 29}));
    b.node(new Node("mul", new Op.Binary(Op.BinaryKind.MUL), List.of("a", "k"), List.of("m")),
        new TensorType(t("fixed<9,5,RND_CONV,SAT>"), Shape.batched(sample)));
    // plus a scalar, wrapping into a narrow type, then minus a scalar with truncation toward zero
    b.constant("d", Tensor.ofRaw(t("fixed<5,1>"), new long[0], new long[] {-11}));
    b.node(new Node("add", new Op.Binary(Op.BinaryKind.ADD), List.of("m", "d"), List.of("s")),
        new TensorType(t("fixed<7,3>"), Shape.batched(sample)));
    b.constant("e", Tensor.ofRaw(t("ufixed<4,0>"), new long[0], new long[] {9}));
    b.node(new Node("sub", new Op.Binary(Op.BinaryKind.SUB), List.of("s", "e"), List.of("y")),
        new TensorType(t("fixed<6,3,TRN_ZERO,SAT_SYM>"), Shape.batched(sample)));
    b.output("y");
    RtlLayersTest.check(b.build(), VerilogOptions.defaults(), tmp.resolve("c"), 400);
  }
}
