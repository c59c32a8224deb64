package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.testing.Compare;
import dev.tessera.importer.testing.Npy;
import dev.tessera.importer.testing.Ort;
import dev.tessera.importer.testing.OrtReference;
import dev.tessera.importer.testing.TestData;
import dev.tessera.ir.DType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model under the shared models folder either imports, passes the verifier and computes (in the float
 * interpreter) what ONNX Runtime and the shipped data say, or fails with exactly the error listed in
 * {@code expected-import-failures.txt}.
 */
class SharedModelsTest {

  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-5;

  /** An expected failure: the error as {@code Type: message} and why. */
  record Expected(String error, String reason) {}

  static Path root() {
    String p = System.getProperty("tessera.sharedModels");
    return p == null ? null : Path.of(p);
  }

  static Stream<String> models() throws IOException {
    Path root = root();
    if (root == null || !Files.isDirectory(root)) {
      return Stream.of("(shared models folder not found)");
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(p -> p.toString().endsWith(".onnx")).sorted().forEach(p -> out.add(root.relativize(p).toString()));
    }
    return out.stream();
  }

  static Map<String, Expected> expected() throws IOException {
    Map<String, Expected> out = new LinkedHashMap<>();
    try (InputStream in = SharedModelsTest.class.getResourceAsStream("/expected-import-failures.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String path = null;
      String error = null;
      for (String line : text.split("\n")) {
        if (line.startsWith("#")) {
          continue;
        }
        if (line.startsWith("path: ")) {
          path = line.substring(6).trim();
        } else if (line.startsWith("error: ")) {
          error = line.substring(7);
        } else if (line.startsWith("reason: ")) {
          out.put(path, new Expected(error, line.substring(8).trim()));
          path = null;
          error = null;
        }
      }
    }
    return out;
  }

  private static void assumeModels() {
    Path r = root();
    Assumptions.assumeTrue(r != null && Files.isDirectory(r),
        "SKIPPED: shared models folder (system property tessera.sharedModels) not found: " + r);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void importsAndMatchesReference(String rel) throws Exception {
    assumeModels();
    Path file = root().resolve(rel);
    Expected exp = expected().get(rel);
    if (exp != null) {
      TesseraException e = assertThrows(TesseraException.class, () -> OnnxImporter.load(file));
      assertEquals(exp.error(), e.getClass().getSimpleName() + ": " + e.getMessage(), "error for " + rel);
      return;
    }
    Graph g = OnnxImporter.load(file);
    assertTrue(GraphVerifier.violations(g).isEmpty());
    byte[] bytes = Files.readAllBytes(file);
    ModelProto model = ModelProto.parseFrom(bytes);
    FloatInterpreter fi = new FloatInterpreter(g);
    int checks = 0;
    checks += againstOrt(rel, g, fi, model);
    checks += againstShippedData(rel, file, g, fi);
    checks += batchConsistency(g, fi);
    assertTrue(checks > 0, "no numeric check could be run for " + rel);
  }

  @Test
  void atLeastFortyModelsImport() throws IOException {
    assumeModels();
    long all = models().count();
    long failing = expected().size();
    assertTrue(all - failing >= 40, (all - failing) + " of " + all + " models import; at least 40 must");
  }

  @Test
  void everyExpectedFailureNamesAModelAndAReason() throws IOException {
    assumeModels();
    List<String> present = models().toList();
    for (var e : expected().entrySet()) {
      assertTrue(present.contains(e.getKey()), "expected failure for a missing model: " + e.getKey());
      assertTrue(e.getValue().reason().length() > 10, "no reason given for " + e.getKey());
    }
  }

  /** Batch size for random tests: the exporter's batch when it is small, else 2. */
  private static long batchFor(Graph g) {
    String declared = g.metadata().getOrDefault("onnx.declaredBatch", "symbolic");
    if (!declared.equals("symbolic") && Long.parseLong(declared) <= 8) {
      return Long.parseLong(declared);
    }
    return 2;
  }

  private static boolean big(Graph g) {
    long n = 0;
    for (String in : g.inputs()) {
      n += g.type(in).shape().elementsPerSample();
    }
    return n > 20_000;
  }

  private static Map<String, NdArray> randomInputs(Graph g, long batch, long seed) {
    Random r = new Random(seed);
    Map<String, NdArray> in = new LinkedHashMap<>();
    for (String name : g.inputs()) {
      long[] s = g.type(name).shape().sizes(batch);
      double[] d = new double[Math.toIntExact(Tensor.count(s))];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) (r.nextDouble() * 2 - 1);
      }
      in.put(name, new NdArray(s, d));
    }
    return in;
  }

  private static boolean floatInputs(Graph g) {
    return g.inputs().stream().allMatch(i -> g.type(i).elementType() == DType.FLOAT);
  }

  /** Seeded random inputs through ONNX Runtime (with QONNX ops spelled out in standard ONNX) and our interpreter. */
  private static int againstOrt(String rel, Graph g, FloatInterpreter fi, ModelProto model) throws Exception {
    if (!floatInputs(g)) {
      return 0;
    }
    long batch = big(g) ? 1 : batchFor(g);
    String declared = g.metadata().get("onnx.declaredBatch");
    boolean symbolic = !declared.equals("symbolic") && Long.parseLong(declared) > 8
        && g.metadata().get("batch").equals(Shape.BATCH);
    byte[] ref = OrtReference.rewrite(model, symbolic);
    if (ref == null) {
      System.out.println("[" + rel + "] no ONNX Runtime reference: custom op without a standard formula");
      return 0;
    }
    Ort ort;
    try {
      ort = Ort.load(ref);
    } catch (ai.onnxruntime.OrtException e) {
      byte[] raised = OrtReference.rewrite(model, symbolic, 11);
      try {
        ort = Ort.load(raised);
        System.out.println("[" + rel + "] ONNX Runtime rejects it at its declared opset (" + e.getMessage()
            .split("\n")[0] + "); the reference runs it at opset 11");
      } catch (ai.onnxruntime.OrtException e2) {
        System.out.println("[" + rel + "] ONNX Runtime cannot load it: " + e.getMessage().split("\n")[0]);
        return 0;
      }
    }
    try (Ort session = ort) {
      Map<String, NdArray> in = randomInputs(g, batch, rel.hashCode());
      Map<String, NdArray> expected = session.run(in);
      Map<String, NdArray> actual = fi.run(in);
      boolean quantized = g.nodes().stream().anyMatch(n -> n.op() instanceof Op.Quant
          || n.op() instanceof Op.QuantizeLinear || n.op() instanceof Op.BipolarQuant || n.op() instanceof Op.Trunc);
      int k = 0;
      for (String out : g.outputs()) {
        NdArray e = expected.get(out);
        int allowed = quantized ? e.size() / 1000 : 0;
        String m = Compare.mismatch(actual.get(out), e, RTOL, ATOL, allowed);
        assertNull(m, rel + " output '" + out + "' vs ONNX Runtime: " + m);
        k++;
      }
      System.out.println("[" + rel + "] matches ONNX Runtime on random inputs (batch " + batch + ", " + k
          + " outputs)");
      return k;
    }
  }

  private static int againstShippedData(String rel, Path file, Graph g, FloatInterpreter fi) throws Exception {
    Path dir = file.getParent();
    int checks = 0;
    Path pbDir = dir.resolve("test_data_set_0");
    if (Files.isDirectory(pbDir)) {
      Map<String, NdArray> in = new HashMap<>();
      for (int i = 0; i < g.inputs().size(); i++) {
        in.put(g.inputs().get(i), TestData.readPb(pbDir.resolve("input_" + i + ".pb")));
      }
      Map<String, NdArray> out = fi.run(in);
      for (int i = 0; i < g.outputs().size(); i++) {
        NdArray e = TestData.readPb(pbDir.resolve("output_" + i + ".pb"));
        String m = Compare.mismatch(out.get(g.outputs().get(i)), e, RTOL, 1e-3);
        assertNull(m, rel + " vs test_data_set_0/output_" + i + ".pb: " + m);
        checks++;
      }
    }
    Path npz = dir.resolve("io.npz");
    if (Files.exists(npz)) {
      Map<String, NdArray> io = Npy.readNpz(npz);
      Map<String, NdArray> in = new HashMap<>();
      for (String i : g.inputs()) {
        in.put(i, io.get(i));
      }
      Map<String, NdArray> out = fi.run(in);
      for (String o : g.outputs()) {
        String m = Compare.mismatch(out.get(o), io.get(o), RTOL, ATOL);
        assertNull(m, rel + " vs io.npz '" + o + "': " + m);
        checks++;
      }
    }
    Path json = dir.resolve("input.json");
    if (Files.exists(json)) {
      checks += ezkl(rel, json, g, fi);
    }
    if (rel.contains("Brevitas_FINN_TFC") || rel.contains("mnist-conv")) {
      checks += mnistDigits(rel, g, fi);
    }
    return checks;
  }

  /** ezkl input.json: output_data is ezkl's fixed-point result, so each model has the tolerance the inventory gives. */
  private static int ezkl(String rel, Path json, Graph g, FloatInterpreter fi) throws IOException {
    Map<String, Double> tolerance = Map.of("1l_mlp", 0.01, "3l_relu_conv_fc", 2e-3, "4l_relu_conv_fc", 2e-3,
        "2l_relu_sigmoid_conv", 1e-4, "layernorm", 1e-5);
    String model = json.getParent().getFileName().toString();
    List<double[]> in = TestData.jsonArrays(json, "input_data");
    List<double[]> out = TestData.jsonArrays(json, "output_data");
    String input = g.inputs().get(0);
    long[] s = g.type(input).shape().sizes(1);
    Map<String, NdArray> result = fi.run(Map.of(input, new NdArray(s, in.get(0))));
    Double tol = tolerance.get(model);
    if (tol == null || out.isEmpty()) {
      return 0;
    }
    NdArray actual = result.get(g.outputs().get(0));
    NdArray expected = new NdArray(actual.shape(), out.get(0));
    String m = Compare.mismatch(actual, expected, 0, tol);
    assertNull(m, rel + " vs input.json output_data: " + m);
    return 1;
  }

  /** The five MNIST digits shipped with FINN (÷255) classify as their labels 7, 2, 1, 0 and 2. */
  private static int mnistDigits(String rel, Graph g, FloatInterpreter fi) throws IOException {
    Path finn = root().resolve("Xilinx_finn");
    NdArray four = Npy.read(finn.resolve("src/finn/qnn-data/build_dataflow/input.npy"));
    NdArray one = Npy.read(finn.resolve("tutorials/fpga_flow/input.npy"));
    int[] labels = {7, 2, 1, 0, 2};
    double[] all = new double[5 * 784];
    System.arraycopy(four.data(), 0, all, 0, 4 * 784);
    System.arraycopy(one.data(), 0, all, 4 * 784, 784);
    for (int i = 0; i < all.length; i++) {
      all[i] /= 255.0;
    }
    Map<String, NdArray> out = fi.run(Map.of(g.inputs().get(0), new NdArray(new long[] {5, 1, 28, 28}, all)));
    assertArrayEquals(labels, Compare.argmaxRows(out.get(g.outputs().get(0))), rel + " classifies the digits");
    return 1;
  }

  /** A batch of two gives, row by row, what two batches of one give: the symbolic batch is really per sample. */
  private static int batchConsistency(Graph g, FloatInterpreter fi) {
    boolean batched = g.inputs().stream().anyMatch(i -> g.type(i).shape().rank() > 0
        && g.type(i).shape().dim(0).isSymbolic());
    if (!batched || big(g) || !floatInputs(g)) {
      return 0;
    }
    Map<String, NdArray> two = randomInputs(g, 2, 42);
    Map<String, NdArray> both = fi.run(two);
    for (int row = 0; row < 2; row++) {
      Map<String, NdArray> single = new HashMap<>();
      for (var e : two.entrySet()) {
        single.put(e.getKey(), e.getValue().slice0(row, row + 1));
      }
      Map<String, NdArray> r = fi.run(single);
      for (String o : g.outputs()) {
        NdArray part = both.get(o).slice0(row, row + 1);
        String m = Compare.mismatch(part, r.get(o), 1e-9, 1e-12);
        if (m != null) {
          fail("output '" + o + "' row " + row + " of a batch of 2 differs from a batch of 1: " + m);
        }
      }
    }
    return 1;
  }

  static String show(long[] s) {
    return Arrays.toString(s);
  }
}
