package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.proto.Onnx.NodeProto;
import dev.tessera.importer.testing.Ort;
import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphStats;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export to ONNX and import again gives a graph that computes exactly the same values, on the example models and on
 * every shared model that imports; the exported files pass {@code onnx.checker} when Python's onnx is installed.
 */
class OnnxExporterTest {

  private static final String PYTHON = "/usr/bin/python3";
  /** Models above this many MACs per sample are compared by structure, not run (to keep the suite fast). */
  private static final long MAX_RUN_MACS = 20_000_000;

  static Path examples() {
    String r = System.getProperty("tessera.root");
    Path p = (r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize()).resolve("examples/physics-triggers");
    return Files.isDirectory(p) ? p : null;
  }

  static Path exampleModel(String relative) {
    Path root = examples();
    Assumptions.assumeTrue(root != null, "examples/physics-triggers not found (set -Dtessera.root)");
    return root.resolve(relative);
  }

  /** Random float32 inputs with {@code batch} for symbolic dimensions (integers for integer inputs). */
  static Map<String, NdArray> inputs(Graph g, int batch, long seed) {
    Random rnd = new Random(seed);
    Map<String, NdArray> m = new LinkedHashMap<>();
    for (String in : g.inputs()) {
      long[] s = g.type(in).shape().sizes(batch);
      double[] v = new double[Math.toIntExact(Tensor.count(s))];
      boolean isFloat = g.type(in).elementType() instanceof DType d && d.isFloat();
      for (int i = 0; i < v.length; i++) {
        v[i] = isFloat ? (float) rnd.nextGaussian() : rnd.nextInt(8);
      }
      m.put(in, new NdArray(s, v));
    }
    return m;
  }

  /** Exports, imports the bytes and checks that every output is bit-identical on the given inputs. */
  static Graph roundTrip(Graph g, Map<String, NdArray> inputs) {
    byte[] bytes = OnnxExporter.toBytes(g);
    Graph back = OnnxImporter.load(bytes, g.name());
    assertEquals(g.inputs(), back.inputs(), "inputs of " + g.name());
    assertEquals(g.outputs(), back.outputs(), "outputs of " + g.name());
    Map<String, NdArray> a = new FloatInterpreter(g).run(inputs);
    Map<String, NdArray> b = new FloatInterpreter(back).run(inputs);
    for (String o : g.outputs()) {
      assertArrayEquals(a.get(o).shape(), b.get(o).shape(), g.name() + " output " + o);
      assertArrayEquals(a.get(o).data(), b.get(o).data(), 0.0, g.name() + " output " + o);
    }
    return back;
  }

  @Test
  void exampleModelsRoundTripExactly() throws IOException {
    for (String m : List.of("digits/digits_mlp.onnx", "digits/digits_cnn.onnx", "jet-tagger/jet_tagger.onnx")) {
      Graph g = OnnxImporter.load(exampleModel(m));
      Graph back = roundTrip(g, inputs(g, 7, 1));
      assertEquals(kinds(g), kinds(back), m);
      for (Node n : g.nodes()) {
        for (String in : n.inputs()) {
          if (g.isConstant(in)) {
            assertTrue(back.constants().values().stream().anyMatch(t -> t.equals(g.constant(in))),
                m + ": constant '" + in + "' of node '" + n.name() + "' did not survive");
          }
        }
      }
    }
  }

  /** The exported example models run in ONNX Runtime and agree with the float interpreter to float32 rounding. */
  @Test
  void exportedExamplesRunInOnnxRuntime() throws Exception {
    for (String m : List.of("digits/digits_mlp.onnx", "digits/digits_cnn.onnx", "jet-tagger/jet_tagger.onnx")) {
      Graph g = OnnxImporter.load(exampleModel(m));
      Map<String, NdArray> in = inputs(g, 5, 9);
      NdArray want = new FloatInterpreter(g).run(in).get(g.outputs().get(0));
      try (Ort ort = Ort.load(OnnxExporter.toBytes(g))) {
        NdArray got = ort.run(in).get(g.outputs().get(0));
        assertArrayEquals(want.shape(), got.shape(), m);
        for (int i = 0; i < want.size(); i++) {
          assertEquals(want.data()[i], got.data()[i], 1e-4 + 1e-4 * Math.abs(want.data()[i]), m + " element " + i);
        }
      }
    }
  }

  @Test
  void denseAndFlattenMapToGemmAndFlatten() {
    Graph g = OnnxImporter.load(exampleModel("digits/digits_cnn.onnx"));
    ModelProto m = OnnxExporter.toModel(g);
    List<String> ops = m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    assertEquals(List.of("Conv", "BatchNormalization", "Relu", "Conv", "Relu", "Flatten", "Gemm"), ops);
    assertEquals(13, m.getOpsetImport(0).getVersion());
    assertEquals(7, m.getIrVersion());
    assertEquals("N", m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
  }

  @Test
  void denseOnRank3AndGeneralReshapeRoundTrip() {
    Random rnd = new Random(3);
    Graph g = Graph.builder("rank3").input("x", f(Shape.batched(3, 4)))
        .constant("w", random(rnd, 4, 5)).constant("b", random(rnd, 5))
        .node(new Node("d", new Op.Dense(null), List.of("x", "w", "b"), List.of("y")), f(Shape.batched(3, 5)))
        .node(new Node("r", new Op.Reshape(), List.of("y"), List.of("z")), f(Shape.batched(5, 3)))
        .node(new Node("c", new Op.Clip(-0.5, 0.75), List.of("z"), List.of("c")), f(Shape.batched(5, 3)))
        .node(new Node("p", new Op.Pad(new long[] {0, 1, 0}, new long[] {0, 0, 2}, Op.PadMode.CONSTANT, 0.25),
            List.of("c"), List.of("p")), f(Shape.batched(6, 5)))
        .node(new Node("s", new Op.Slice(new long[] {1}, new long[] {5}, new int[] {2}, new long[] {2}), List.of("p"),
            List.of("s")), f(Shape.batched(6, 2)))
        .output("s").build();
    Graph back = roundTrip(g, inputs(g, 4, 2));
    assertEquals(List.of("MatMul", "Add", "Reshape", "Clip", "Pad", "Slice"), OnnxExporter.toModel(g).getGraph()
        .getNodeList().stream().map(NodeProto::getOpType).toList());
    assertTrue(back.nodes().size() >= 5);
  }

  @Test
  void fixedPointGraphIsRefused() {
    FixedType t = FixedType.signed(8, 3);
    Graph g = Graph.builder("q").input("x", new TensorType(t, Shape.batched(2)))
        .node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), new TensorType(t, Shape.batched(2)))
        .output("y").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(g));
    assertTrue(e.getMessage().contains("fixed-point"), e.getMessage());
  }

  @Test
  void unsupportedQuantizeLinearTypeIsNamed() {
    Graph g = Graph.builder("ql").input("x", f(Shape.batched(2)))
        .constant("s", Tensor.ofFloats(new long[0], 0.5))
        .node(new Node("q", new Op.QuantizeLinear(0, DType.INT16, true), List.of("x", "s"), List.of("y")),
            new TensorType(DType.INT16, Shape.batched(2)))
        .output("y").build();
    UnsupportedOpException e = assertThrows(UnsupportedOpException.class, () -> OnnxExporter.toBytes(g));
    assertTrue(e.getMessage().contains("'q'"), e.getMessage());
  }

  /**
   * Every shared model that imports is exported, imported again and run on random inputs with bit-identical
   * outputs; models with an op the exporter does not write are listed, and must stay a minority.
   */
  @Test
  void sharedModelsRoundTrip() throws IOException {
    String p = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(p != null && Files.isDirectory(Path.of(p)), "shared models folder not found "
        + "(system property tessera.sharedModels)");
    List<Path> files;
    try (Stream<Path> s = Files.walk(Path.of(p))) {
      files = s.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
    }
    int compared = 0;
    List<String> large = new ArrayList<>();
    List<String> notExported = new ArrayList<>();
    for (Path f : files) {
      Graph g;
      try {
        g = OnnxImporter.load(f);
      } catch (TesseraException | IllegalArgumentException | IllegalStateException e) {
        continue;
      }
      byte[] bytes;
      try {
        bytes = OnnxExporter.toBytes(g);
      } catch (UnsupportedOpException e) {
        notExported.add(f.getFileName() + ": " + e.getMessage());
        continue;
      }
      if (GraphStats.of(g).macs() > MAX_RUN_MACS) {
        Graph back = OnnxImporter.load(bytes, g.name());
        assertEquals(kinds(g), kinds(back), f.getFileName().toString());
        large.add(f.getFileName().toString());
        continue;
      }
      Map<String, NdArray> in = inputs(g, 2, 5);
      try {
        new FloatInterpreter(g).run(in);
      } catch (TesseraException | IllegalArgumentException | IllegalStateException e) {
        continue;
      }
      roundTrip(g, in);
      compared++;
    }
    System.out.println("OnnxExporterTest: " + compared + " shared models round-trip exactly; " + large.size()
        + " larger ones (over " + MAX_RUN_MACS + " MACs) were compared by structure only: " + large
        + "; not exported: " + notExported);
    assertTrue(compared >= 20 && compared > 3 * notExported.size(), compared + " models compared, not exported: "
        + notExported);
  }

  /** The exported example models pass onnx.checker with full shape inference (needs /usr/bin/python3 with onnx). */
  @Test
  void exportedModelsPassOnnxChecker(@TempDir Path dir) throws Exception {
    boolean available = pythonOnnx();
    if (!available && Boolean.getBoolean("tessera.requireTools")) {
      fail(PYTHON + " with the onnx package is required (tessera.requireTools=true)");
    }
    Assumptions.assumeTrue(available, "SKIPPED: " + PYTHON + " with the onnx package is not installed");
    List<String> args = new ArrayList<>(List.of(PYTHON, "-c", "import onnx, sys\n"
        + "bad = []\n"
        + "for p in sys.argv[1:]:\n"
        + "    try:\n"
        + "        onnx.checker.check_model(onnx.load(p), full_check=True)\n"
        + "    except Exception as e:\n"
        + "        bad.append(p + ': ' + str(e).splitlines()[0])\n"
        + "print('ok', len(sys.argv) - 1 - len(bad))\n"
        + "print('\\n'.join(bad))\n"
        + "sys.exit(1 if bad else 0)\n"));
    for (String m : List.of("digits/digits_mlp.onnx", "digits/digits_cnn.onnx", "jet-tagger/jet_tagger.onnx")) {
      Graph g = OnnxImporter.load(exampleModel(m));
      Path out = dir.resolve(g.name() + ".onnx");
      OnnxExporter.write(g, out);
      args.add(out.toString());
    }
    String shared = System.getProperty("tessera.sharedModels");
    if (shared != null && Files.isDirectory(Path.of(shared))) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(Path.of(shared))) {
        files = s.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
      }
      int i = 0;
      for (Path f : files) {
        try {
          Graph g = OnnxImporter.load(f);
          Path out = dir.resolve("shared_" + (i++) + "_" + f.getFileName());
          OnnxExporter.write(g, out);
          args.add(out.toString());
        } catch (TesseraException | IllegalArgumentException | IllegalStateException e) {
          // not importable or not exportable: covered by sharedModelsRoundTrip
        }
      }
    }
    Process proc = new ProcessBuilder(args).redirectErrorStream(true).start();
    String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "onnx.checker timed out");
    assertEquals(0, proc.exitValue(), "onnx.checker failed:\n" + text);
    assertTrue(text.contains("ok " + (args.size() - 3)), text);
    System.out.println("OnnxExporterTest: onnx.checker " + text.trim());
  }

  static boolean pythonOnnx() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import onnx").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<String> kinds(Graph g) {
    return g.nodes().stream().map(n -> n.op().kind()).toList();
  }

  private static TensorType f(Shape s) {
    return new TensorType(DType.FLOAT, s);
  }

  private static Tensor random(Random rnd, long... shape) {
    double[] v = new double[Math.toIntExact(Tensor.count(shape))];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return Tensor.ofFloats(shape, v);
  }
}
