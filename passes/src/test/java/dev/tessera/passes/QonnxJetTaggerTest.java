package dev.tessera.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The QONNX jet tagger (qkeras_jettagging.onnx: weights Quant to 6 bits with scale 2^-5, activations Quant to
 * unsigned 6 bits with scale 2^-6): the weight quantizers fold into constants, the activation quantizers become
 * exact fixed-point types, and with inputs and results wide enough to be exact the logits equal the float QONNX
 * semantics bit for bit.
 */
class QonnxJetTaggerTest {

  @Test
  void activationQuantizersBecomeExactTypesAndTheLogitsAreBitExact() {
    String dir = System.getProperty("tessera.sharedModels");
    Assumptions.assumeTrue(dir != null, "system property tessera.sharedModels is not set; skipping");
    Path p = Path.of(dir, "fastmachinelearning_qonnx_model_zoo", "models", "JetTagging", "QKeras_hls4ml_3layer",
        "qkeras_jettagging.onnx");
    Assumptions.assumeTrue(Files.exists(p), "shared model " + p + " is absent; skipping");
    Graph g = OnnxImporter.load(p);
    String in = g.inputs().get(0);
    // inputs on the 2^-16 grid in [-1, 1) fit fixed<18,2>; 6-bit weights times them sum exactly in fixed<32,8>
    PrecisionConfig cfg = ConfigLoader.parse("Model: {Precision: 'fixed<32,8>'}\nInputPrecision: {" + in
        + ": 'fixed<18,2>'}\n");
    PassContext ctx = PassContext.create();
    Graph q = StandardPipelines.forHardware(cfg).withVerifyEach(true).run(g, ctx);
    assertEquals(List.of(), ctx.warnings());
    List<Node> identities = q.nodes().stream().filter(n -> n.op() instanceof Op.Identity).toList();
    assertEquals(3, identities.size(), "the three activation quantizers");
    for (Node n : identities) {
      assertEquals(FixedType.parse("ufixed<6,0,RND_CONV,SAT>"), q.type(n.output()).elementType(), n.name());
    }
    Node last = q.nodes().get(q.nodes().size() - 1);
    String logits = last.input(0);
    NdArray x = JetTaggerEndToEndTest.randomInputs(2000, 16, 99);
    NdArray want = new FloatInterpreter(StandardPipelines.simplify().run(g, PassContext.create()))
        .runAll(Map.of(in, x)).get(logits);
    FixedInterpreter fi = new FixedInterpreter(q);
    NdArray got = fi.runAll(fi.quantizeInputs(Map.of(in, x))).get(logits).toNdArray();
    assertArrayEquals(want.data(), got.data(), 0.0);
  }
}
