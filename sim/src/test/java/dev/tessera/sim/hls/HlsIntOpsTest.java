package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The I-BERT integer-only ops (IExp, ISoftmax, IGelu, ILayerNorm) through the HLS backend: tiny graphs at two input
 * precisions (10 fraction bits, below the kernels' k = 16, and 22, above it), compiled with g++ and compared bit for
 * bit with the fixed-point interpreter on 200 vectors each; and the jet tagger with the integer softmax end to end.
 */
class HlsIntOpsTest {

  static final FixedType SAT_SOFTMAX = new FixedType(false, 16, 0, Rounding.RND_CONV, Overflow.SAT);
  static final FixedType SAT_EXP = new FixedType(false, 14, 1, Rounding.RND, Overflow.SAT);
  static final FixedType SAT_GELU = new FixedType(true, 16, 6, Rounding.RND_CONV, Overflow.SAT);
  static final FixedType SAT_NORM = new FixedType(true, 14, 4, Rounding.RND, Overflow.SAT);
  static final String JET_TAGGER = "examples/physics-triggers/jet-tagger/jet_tagger.onnx";

  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  /** The two input precisions: 10 and 22 fraction bits. */
  static FixedType precision(int which) {
    return which == 0 ? FixedType.signed(16, 6) : FixedType.signed(26, 4);
  }

  private void verify(Graph g) throws IOException {
    // -Dtessera.hls.keep=/some/folder keeps the generated projects for inspection
    String keep = System.getProperty("tessera.hls.keep");
    Path out = (keep != null ? Path.of(keep) : dir).resolve(g.name());
    new HlsBackend().write(g, HlsOptions.defaults(), out);
    HlsVerifier.Result r = HlsVerifier.verify(out, g,
        HlsVerifier.Options.defaults().withInputs(HlsKernelsTest.inputs(g)));
    System.out.println("HlsIntOpsTest " + g.name() + ": " + r.summary());
    assertEquals(HlsKernelsTest.VECTORS, r.vectors());
    assertTrue(r.passed(), g.name() + ": " + r.summary() + "\n" + String.join("\n", r.examples()));
  }

  @ParameterizedTest(name = "input precision {0}")
  @ValueSource(ints = {0, 1})
  void integerSoftmaxOverRowsOfFiveAndTen(int which) throws IOException {
    FixedType tx = precision(which);
    TinyGraphs t = new TinyGraphs("isoftmax" + which, 1).input("x", tx, 3, 5).input("z", tx, 10);
    String a = t.node(new Op.ISoftmax(2, 16, 16), List.of("x"), SAT_SOFTMAX, 3, 5);
    String b = t.node(new Op.ISoftmax(-1, 12, 20), List.of("z"), FixedType.unsigned(24, 2), 10);
    verify(t.output(a, b));
  }

  @ParameterizedTest(name = "input precision {0}")
  @ValueSource(ints = {0, 1})
  void integerExp(int which) throws IOException {
    FixedType tx = precision(which);
    TinyGraphs t = new TinyGraphs("iexp" + which, 2).input("x", tx, 12);
    String a = t.node(new Op.IExp(16), List.of("x"), SAT_EXP, 12);
    String b = t.node(new Op.IExp(20), List.of("x"), FixedType.unsigned(64, 1), 12);
    verify(t.output(a, b));
  }

  @ParameterizedTest(name = "input precision {0}")
  @ValueSource(ints = {0, 1})
  void integerGelu(int which) throws IOException {
    FixedType tx = precision(which);
    TinyGraphs t = new TinyGraphs("igelu" + which, 3).input("x", tx, 12);
    String a = t.node(new Op.IGelu(16), List.of("x"), SAT_GELU, 12);
    String b = t.node(new Op.IGelu(8), List.of("x"), FixedType.signed(tx.width() + 8, tx.integerBits()), 12);
    verify(t.output(a, b));
  }

  @ParameterizedTest(name = "input precision {0}")
  @ValueSource(ints = {0, 1})
  void integerLayerNormOverSixteenFeatures(int which) throws IOException {
    FixedType tx = precision(which);
    TinyGraphs t = new TinyGraphs("ilayernorm" + which, 4).input("x", tx, 2, 16);
    String a = t.node(new Op.ILayerNorm(-1, 1e-5, 16), List.of("x"), SAT_NORM, 2, 16);
    String b = t.node(new Op.ILayerNorm(1, 0.0, 24), List.of("x"), FixedType.signed(32, 4), 2, 16);
    verify(t.output(a, b));
  }

  @Test
  void jetTaggerWithIntegerSoftmaxMatchesTheInterpreter() throws IOException {
    String root = System.getProperty("tessera.root");
    Path model = root != null ? Path.of(root, JET_TAGGER) : Path.of("..", JET_TAGGER);
    Assumptions.assumeTrue(Files.isRegularFile(model), "SKIPPED: jet tagger model not found at " + model);
    PrecisionConfig base = PrecisionConfig.uniform(PrecisionConfig.HLS4ML_DEFAULT);
    PrecisionConfig config = base.withModel(base.model().withSoftmaxMode(SoftmaxMode.INTEGER));
    Graph q = StandardPipelines.forHardware(config).run(OnnxImporter.load(model), PassContext.create());
    assertTrue(q.nodes().stream().map(Node::op).anyMatch(o -> o instanceof Op.ISoftmax),
        "the integer softmax mode must give an ISoftmax node");
    Path out = dir.resolve("jet_tagger");
    new HlsBackend().write(q, HlsOptions.defaults().withTop("myproject"), out);
    HlsVerifier.Result r = HlsVerifier.verify(out, q, HlsVerifier.Options.defaults().withVectors(200));
    System.out.println("HlsIntOpsTest jet tagger (integer softmax): " + r.summary());
    assertEquals(200, r.vectors());
    assertTrue(r.passed(), r.summary() + "\n" + String.join("\n", r.examples()));
  }
}
