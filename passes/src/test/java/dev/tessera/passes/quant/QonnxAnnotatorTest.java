package dev.tessera.passes.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.importer.OnnxExporter;
import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphVerifier;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.ArrayFiles;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.quant.search.CalibrationSet;
import dev.tessera.passes.quant.search.PrecisionSearch;
import dev.tessera.passes.quant.search.SearchOptions;
import dev.tessera.passes.quant.search.SearchResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The QONNX form of a searched digits MLP computes, in float, exactly what the quantized graph computes. */
class QonnxAnnotatorTest {

  @Test
  void theQonnxGraphInFloatIsTheFixedPointGraph() throws IOException {
    String r = System.getProperty("tessera.root");
    Path d = (r != null ? Path.of(r) : Path.of("..").toAbsolutePath().normalize())
        .resolve("examples/physics-triggers/digits");
    assumeTrue(Files.isDirectory(d), "examples folder " + d + " is absent; skipping");
    PrecisionConfig base = PrecisionConfig.uniform(FixedType.signed(16, 6));
    Graph prepared = StandardPipelines.prepare(base).run(OnnxImporter.load(d.resolve("digits_mlp.onnx")),
        PassContext.create());
    NdArray x = ArrayFiles.read(d.resolve("calib_mlp.npy"));
    SearchResult s = PrecisionSearch.run(prepared, CalibrationSet.of(Map.of("input", x)),
        SearchOptions.defaults().withMaxWidth(10).withSearch(false).withProbes(0), m -> { });
    QonnxAnnotator.Result a = QonnxAnnotator.annotate(prepared, s.quantized());
    Graph q = a.graph();
    assertTrue(a.skipped().isEmpty(), a.skipped().toString());
    assertTrue(GraphVerifier.violations(q).isEmpty(), () -> GraphVerifier.violations(q).toString());
    assertEquals(prepared.outputs(), q.outputs());
    long quants = q.nodes().stream().filter(n -> n.op() instanceof Op.Quant).count();
    assertEquals(1 + 5 + 6, quants, "the input, five results, three weights and three biases");
    double[] fl = new FloatInterpreter(q).run(Map.of("input", x)).get("output").data();
    double[] fx = new FixedInterpreter(s.quantized()).run(Map.of("input", x)).get("output").toNdArray().data();
    assertArrayEquals(fx, fl, 0.0);
    // exported and imported again, every Quant of an activation maps to its exact fixed-point type
    Graph back = OnnxImporter.load(OnnxExporter.toBytes(q), "digits_qonnx");
    Graph bq = StandardPipelines.forHardware(base).run(back, PassContext.create());
    for (Node n : s.quantized().nodes()) {
      if (!n.name().equals("fc1") && !n.name().equals("fc2") && !n.name().equals("fc3")) {
        continue;
      }
      Node quant = bq.nodes().stream().filter(m -> m.name().equals(n.name() + "_quant")).findFirst().orElseThrow();
      assertEquals(s.quantized().type(n.output()).fixed().withModes(dev.tessera.ir.Rounding.RND_CONV,
          dev.tessera.ir.Overflow.SAT), bq.type(quant.output()).fixed(), n.name());
    }
  }
}
