package dev.tessera.importer.ops;

import static dev.tessera.importer.ops.OrtReference.normal;
import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;

import dev.tessera.importer.ops.OrtReference.Case;
import dev.tessera.importer.testing.OnnxBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** MaxPool, AveragePool and the global pools against ONNX Runtime, including ceil mode and padding. */
class OrtPoolOpsTest {

  private static Case pool(String label, long opset, String op, long[] x, Consumer<OnnxBuilder.NodeBuilder> attrs,
      Object... yDims) {
    Random r = new Random(label.hashCode());
    Object[] xDims = new Object[x.length];
    xDims[0] = "N";
    for (int i = 1; i < x.length; i++) {
      xDims[i] = x[i];
    }
    OnnxBuilder.NodeBuilder n = OnnxBuilder.model(opset).input("x", FLOAT, xDims).node(op).in("x").out("y");
    attrs.accept(n);
    Object[] out = new Object[yDims.length + 1];
    out[0] = "N";
    System.arraycopy(yDims, 0, out, 1, yDims.length);
    long[] shape = x.clone();
    shape[0] = 2;
    return new Case(label, n.model().output("y", FLOAT, out).build(), List.of(normal("x", r, shape)));
  }

  @TestFactory
  Stream<DynamicTest> pools() {
    List<Case> l = new ArrayList<>();
    long[] x = {1, 3, 7, 7};
    l.add(pool("maxpool 2x2 stride 2", 13, "MaxPool", x, n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2),
        3, 3, 3));
    l.add(pool("maxpool ceil mode", 13, "MaxPool", x, n -> n.ints("kernel_shape", 2, 2).ints("strides", 2, 2)
        .attr("ceil_mode", 1L), 3, 4, 4));
    l.add(pool("maxpool pads", 13, "MaxPool", x, n -> n.ints("kernel_shape", 3, 3).ints("pads", 1, 1, 1, 1),
        3, 7, 7));
    l.add(pool("maxpool dilations", 13, "MaxPool", x, n -> n.ints("kernel_shape", 2, 2).ints("dilations", 2, 2),
        3, 5, 5));
    l.add(pool("maxpool 1d stride", 13, "MaxPool", new long[] {1, 2, 9}, n -> n.ints("kernel_shape", 3)
        .ints("strides", 2), 2, 4));
    l.add(pool("maxpool opset8 same upper", 8, "MaxPool", x, n -> n.ints("kernel_shape", 3, 3)
        .ints("strides", 2, 2).attr("auto_pad", "SAME_UPPER"), 3, 4, 4));
    l.add(pool("averagepool exclude pad", 13, "AveragePool", x, n -> n.ints("kernel_shape", 3, 3)
        .ints("pads", 1, 1, 1, 1), 3, 7, 7));
    l.add(pool("averagepool include pad", 13, "AveragePool", x, n -> n.ints("kernel_shape", 3, 3)
        .ints("pads", 1, 1, 1, 1).attr("count_include_pad", 1L), 3, 7, 7));
    l.add(pool("averagepool ceil mode", 13, "AveragePool", x, n -> n.ints("kernel_shape", 2, 2)
        .ints("strides", 2, 2).attr("ceil_mode", 1L), 3, 4, 4));
    l.add(pool("averagepool ceil mode include pad", 13, "AveragePool", x, n -> n.ints("kernel_shape", 3, 3)
        .ints("strides", 2, 2).ints("pads", 1, 1, 1, 1).attr("ceil_mode", 1L).attr("count_include_pad", 1L),
        3, 4, 4));
    l.add(pool("averagepool asymmetric pads opset11", 11, "AveragePool", x, n -> n.ints("kernel_shape", 2, 3)
        .ints("pads", 0, 1, 1, 2).ints("strides", 1, 2), 3, 7, 4));
    l.add(pool("averagepool 1d", 13, "AveragePool", new long[] {1, 2, 8}, n -> n.ints("kernel_shape", 2)
        .ints("strides", 2), 2, 4));
    l.add(pool("global average pool", 13, "GlobalAveragePool", x, n -> { }, 3, 1, 1));
    l.add(pool("global max pool", 13, "GlobalMaxPool", x, n -> { }, 3, 1, 1));
    l.add(pool("global average pool 1d", 13, "GlobalAveragePool", new long[] {1, 4, 6}, n -> { }, 4, 1));
    return OrtReference.tests(l);
  }
}
