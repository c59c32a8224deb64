package dev.tessera.importer.ops;

import static dev.tessera.importer.ops.OrtReference.cases;
import static dev.tessera.importer.ops.OrtReference.normal;
import static dev.tessera.importer.ops.OrtReference.normals;
import static dev.tessera.importer.ops.OrtReference.uniform;
import static dev.tessera.importer.testing.OnnxBuilder.FLOAT;

import dev.tessera.importer.ops.OrtReference.Case;
import dev.tessera.importer.ops.OrtReference.Input;
import dev.tessera.importer.testing.OnnxBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Activations, elementwise math, Cast and the broadcasting binary ops against ONNX Runtime. */
class OrtElementwiseOpsTest {

  private static Case unary(String label, long opset, String op, Consumer<OnnxBuilder.NodeBuilder> attrs,
      Input x) {
    OnnxBuilder.NodeBuilder n = OnnxBuilder.model(opset).input("x", FLOAT, "N", 3, 4).node(op).in("x").out("y");
    attrs.accept(n);
    return new Case(label, n.model().output("y", FLOAT, "N", 3, 4).build(), List.of(x));
  }

  @TestFactory
  Stream<DynamicTest> activations() {
    Random r = new Random(21);
    Consumer<OnnxBuilder.NodeBuilder> none = n -> { };
    List<Case> l = new ArrayList<>();
    for (String op : new String[] {"Relu", "Sigmoid", "Tanh", "Exp", "Erf", "Identity"}) {
      l.add(unary(op.toLowerCase() + " opset13", 13, op, none, normal("x", r, 3, 3, 4)));
    }
    l.add(unary("erf wide range", 13, "Erf", none, uniform("x", r, -5, 5, 3, 3, 4)));
    l.add(unary("sigmoid wide range", 13, "Sigmoid", none, uniform("x", r, -30, 30, 3, 3, 4)));
    l.add(unary("sqrt positive", 13, "Sqrt", none, uniform("x", r, 0, 9, 3, 3, 4)));
    l.add(unary("leakyrelu alpha", 13, "LeakyRelu", n -> n.attr("alpha", 0.3f), normal("x", r, 3, 3, 4)));
    l.add(unary("leakyrelu default opset9", 9, "LeakyRelu", none, normal("x", r, 3, 3, 4)));
    l.add(unary("hardsigmoid alpha beta", 13, "HardSigmoid", n -> n.attr("alpha", 0.3f).attr("beta", 0.4f),
        uniform("x", r, -4, 4, 3, 3, 4)));
    l.add(unary("hardsigmoid defaults", 13, "HardSigmoid", none, uniform("x", r, -4, 4, 3, 3, 4)));
    l.add(unary("selu defaults", 13, "Selu", none, normal("x", r, 3, 3, 4)));
    l.add(unary("selu alpha gamma", 13, "Selu", n -> n.attr("alpha", 1.5f).attr("gamma", 0.8f),
        normal("x", r, 3, 3, 4)));
    l.add(unary("elu alpha", 13, "Elu", n -> n.attr("alpha", 0.7f), normal("x", r, 3, 3, 4)));
    l.add(unary("elu default opset6 ops", 9, "Elu", none, normal("x", r, 3, 3, 4)));
    l.add(unary("clip opset6 attributes", 9, "Clip", n -> n.attr("min", -0.5f).attr("max", 0.7f),
        normal("x", r, 3, 3, 4)));
    return OrtReference.tests(l);
  }

  @TestFactory
  Stream<DynamicTest> clipWithInputs() {
    Random r = new Random(22);
    byte[] both = OnnxBuilder.model(13).input("x", FLOAT, "N", 5)
        .initializer(OnnxBuilder.scalar("lo", -0.25f)).initializer(OnnxBuilder.scalar("hi", 0.5f))
        .node("Clip").in("x", "lo", "hi").out("y").model().output("y", FLOAT, "N", 5).build();
    byte[] maxOnly = OnnxBuilder.model(11).input("x", FLOAT, "N", 5)
        .initializer(OnnxBuilder.scalar("hi", 0.5f))
        .node("Clip").in("x", "", "hi").out("y").model().output("y", FLOAT, "N", 5).build();
    byte[] minOnly = OnnxBuilder.model(13).input("x", FLOAT, "N", 5)
        .initializer(OnnxBuilder.scalar("lo", 0f))
        .node("Clip").in("x", "lo").out("y").model().output("y", FLOAT, "N", 5).build();
    return OrtReference.tests(cases(
        new Case("clip opset13 min max", both, List.of(normal("x", r, 4, 5))),
        new Case("clip opset11 max only", maxOnly, List.of(normal("x", r, 4, 5))),
        new Case("clip opset13 min only", minOnly, List.of(normal("x", r, 4, 5)))));
  }

  private static Case binary(String label, long opset, String op, long[] bShape, Object[] yDims, Input x,
      boolean positiveB) {
    Random r = new Random(label.hashCode());
    float[] b = normals(r, OrtReference.count(bShape));
    if (positiveB) {
      for (int i = 0; i < b.length; i++) {
        b[i] = 0.5f + Math.abs(b[i]);
      }
    }
    Object[] xDims = new Object[x.shape().length];
    xDims[0] = "N";
    for (int i = 1; i < xDims.length; i++) {
      xDims[i] = x.shape()[i];
    }
    byte[] m = OnnxBuilder.model(opset).input("x", FLOAT, xDims).initializer("b", bShape, b)
        .node(op).in("x", "b").out("y").model().output("y", FLOAT, yDims).build();
    return new Case(label, m, List.of(x));
  }

  @TestFactory
  Stream<DynamicTest> binaryBroadcasting() {
    Random r = new Random(23);
    List<Case> l = new ArrayList<>();
    for (String op : new String[] {"Add", "Sub", "Mul", "Div"}) {
      l.add(binary(op.toLowerCase() + " same shape", 13, op, new long[] {3, 4}, new Object[] {"N", 3, 4},
          normal("x", r, 2, 3, 4), op.equals("Div")));
      l.add(binary(op.toLowerCase() + " rank-lower operand", 13, op, new long[] {4}, new Object[] {"N", 3, 4},
          normal("x", r, 2, 3, 4), op.equals("Div")));
      l.add(binary(op.toLowerCase() + " size-one axes", 13, op, new long[] {3, 1}, new Object[] {"N", 3, 4},
          normal("x", r, 2, 3, 4), op.equals("Div")));
      l.add(binary(op.toLowerCase() + " scalar", 13, op, new long[] {}, new Object[] {"N", 3, 4},
          normal("x", r, 2, 3, 4), op.equals("Div")));
    }
    l.add(binary("add both sides broadcast", 13, "Add", new long[] {2, 1, 4}, new Object[] {"N", 2, 3, 4},
        normal("x", r, 2, 1, 3, 1), false));
    l.add(binary("pow positive base", 13, "Pow", new long[] {4}, new Object[] {"N", 3, 4},
        uniform("x", r, 0.1, 3, 2, 3, 4), false));
    l.add(new Case("pow integer exponent opset7", OnnxBuilder.model(7).input("x", FLOAT, "N", 3, 4)
        .initializer(OnnxBuilder.scalar("b", 3f)).node("Pow").in("x", "b").out("y").model()
        .output("y", FLOAT, "N", 3, 4).build(), List.of(normal("x", r, 2, 3, 4))));
    l.add(binary("pow negative base fractional exponent gives nan", 13, "Pow", new long[] {4},
        new Object[] {"N", 3, 4}, normal("x", r, 2, 3, 4), true));
    return OrtReference.tests(l);
  }

  @TestFactory
  Stream<DynamicTest> twoVariableInputs() {
    Random r = new Random(24);
    byte[] m = OnnxBuilder.model(13).input("a", FLOAT, "N", 3).input("b", FLOAT, "N", 1)
        .node("Sub").in("a", "b").out("d").node("Mul").in("d", "a").out("y").model()
        .output("y", FLOAT, "N", 3).build();
    return OrtReference.tests(cases(new Case("sub then mul of two inputs", m,
        List.of(normal("a", r, 4, 3), normal("b", r, 4, 1)))));
  }

  private static Case cast(String label, int to, Input x) {
    byte[] m = OnnxBuilder.model(13).input("x", FLOAT, "N", 6).node("Cast").in("x").out("y").attr("to", (long) to)
        .model().output("y", to, "N", 6).build();
    return new Case(label, m, List.of(x));
  }

  @TestFactory
  Stream<DynamicTest> casts() {
    Random r = new Random(25);
    return OrtReference.tests(cases(
        cast("cast to int32 truncates", OnnxBuilder.INT32, uniform("x", r, -100, 100, 3, 6)),
        cast("cast to int8 in range", OnnxBuilder.INT8, uniform("x", r, -100, 100, 3, 6)),
        cast("cast to uint8 in range", OnnxBuilder.UINT8, uniform("x", r, 0, 250, 3, 6)),
        cast("cast to int64", OnnxBuilder.INT64, uniform("x", r, -1e6, 1e6, 3, 6)),
        cast("cast to double", OnnxBuilder.DOUBLE, normal("x", r, 3, 6))));
  }
}
