package dev.tessera.backend.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.DType;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphFingerprint;
import dev.tessera.ir.Node;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.op.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Structure of the generated project, error reporting and the all-or-nothing write, on hand-built graphs. */
class HlsBackendTest {

  @TempDir
  Path dir;

  static final FixedType T = FixedType.signed(16, 6);

  /** x [N, 4] -> Dense (weights [4, 6], 3 zeros) -> Relu -> y [N, 6]. */
  static Graph denseRelu(String denseName) {
    long[] w = {64, -64, 0, 128, 1, 2, 0, 3, 4, 5, 6, 7, -8, 9, 10, 0, 11, 12, 13, 14, 15, 16, 17, 18};
    return Graph.builder("tiny net")
        .input("in:0", new TensorType(T, Shape.batched(4)))
        .constant("W", Tensor.ofRaw(T, new long[] {4, 6}, w))
        .constant("B", Tensor.ofRaw(T, new long[] {6}, new long[] {1, 2, 3, 4, 5, 6}))
        .node(new Node(denseName, new Op.Dense(FixedType.signed(32, 12)), List.of("in:0", "W", "B"), List.of("h")),
            new TensorType(T, Shape.batched(6)))
        .node(new Node("act", new Op.Relu(), List.of("h"), List.of("y")),
            new TensorType(new FixedType(false, 8, 4, Rounding.RND, Overflow.SAT), Shape.batched(6)))
        .output("y")
        .build();
  }

  @Test
  void writesACompleteProject() throws IOException {
    Path out = dir.resolve("prj");
    HlsBackend.Result r = new HlsBackend().write(denseRelu("dense/1"), HlsOptions.defaults().withTop("net"), out);
    for (String f : List.of("firmware/net.cpp", "firmware/net.h", "firmware/defines.h", "firmware/parameters.h",
        "firmware/weights/dense_1_w.h", "firmware/weights/dense_1_b.h", "firmware/tessera/tessera_fixed.h",
        "tb/net_test.cpp", "tb_data/inputs.dat", "tb_data/expected_outputs.dat", "build_prj.tcl", "README.md",
        "tessera-project.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f + " is missing");
    }
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    String defines = Files.readString(out.resolve("firmware/defines.h"));
    assertTrue(defines.contains("typedef ap_fixed<16,6,AP_TRN,AP_WRAP> in_0_t;"), defines);
    assertTrue(defines.contains("typedef ap_ufixed<8,4,AP_RND,AP_SAT> y_t;"), defines);
    String w = Files.readString(out.resolve("firmware/weights/dense_1_w.h"));
    assertTrue(w.contains("shape [4,6], type fixed<16,6>"), w);
    assertTrue(w.contains("min -0.0625 (raw -64), max 0.125 (raw 128), 3 zeros of 24"), w);
    assertTrue(w.contains("static const int16_t dense_1_w[24] = {"), w);
    String params = Files.readString(out.resolve("firmware/parameters.h"));
    assertTrue(params.contains("struct config_dense_1 {"), params);
    assertTrue(params.contains("typedef ap_fixed<32,12,AP_TRN,AP_WRAP> accum_t;"), params);
    assertTrue(params.contains("static const unsigned n_out = 6;"), params);
    String top = Files.readString(out.resolve("firmware/net.cpp"));
    assertTrue(top.contains("tessera::dense<in_0_t, h_t, config_dense_1>(in_0, h, dense_1_w, dense_1_b);"), top);
    assertTrue(top.contains("tessera::relu<h_t, y_t, config_act>(h, y);"), top);
    String tcl = Files.readString(out.resolve("build_prj.tcl"));
    assertTrue(tcl.contains("set part xcvu13p-flga2577-2-e") && tcl.contains("csim_design")
        && tcl.contains("csynth_design") && tcl.contains("cosim_design") && tcl.contains("export_design"), tcl);
    assertEquals(HlsBackend.SAMPLE_VECTORS + 1, Files.readAllLines(out.resolve("tb_data/inputs.dat")).size());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(out), s.toList(), "no temporary folder is left next to the project");
    }
  }

  @Test
  void projectDescriptionRoundTrips() throws IOException {
    Path out = dir.resolve("prj");
    Graph g = denseRelu("d");
    HlsBackend.Result r = new HlsBackend().write(g, HlsOptions.defaults().withProvenance("model", "m.onnx"), out);
    ProjectDescriptor d = ProjectDescriptor.read(out);
    assertEquals("hls", d.kind());
    assertEquals("tiny_net", d.top());
    assertEquals(GraphFingerprint.of(g), d.graphFingerprint());
    assertEquals("in:0", d.inputs().get(0).tensor());
    assertEquals(new FixedType(false, 8, 4, Rounding.RND, Overflow.SAT), d.outputs().get(0).fixedType());
    assertEquals(6, d.outputs().get(0).size());
    assertEquals(Map.of("model", "m.onnx"), d.provenance());
    assertEquals(r.descriptor().graphFingerprint(), d.graphFingerprint());
  }

  @Test
  void fingerprintSeesWeightChanges() {
    Graph a = denseRelu("d");
    Graph b = a.toBuilder().constant("W", Tensor.ofRaw(T, new long[] {4, 6}, new long[24])).build();
    assertFalse(GraphFingerprint.of(a).equals(GraphFingerprint.of(b)));
  }

  @Test
  void reportsEveryUnquantizedTensorAtOnce() {
    Graph g = Graph.builder("float")
        .input("x", new TensorType(DType.FLOAT, Shape.batched(3)))
        .node(new Node("r", new Op.Relu(), List.of("x"), List.of("y")), new TensorType(DType.FLOAT, Shape.batched(3)))
        .output("y").build();
    TesseraException e = assertThrows(TesseraException.class, () -> new HlsBackend().render(g,
        HlsOptions.defaults()));
    assertTrue(e.getMessage().contains("2 problems") && e.getMessage().contains("tensor 'x'")
        && e.getMessage().contains("tensor 'y'"), e.getMessage());
  }

  @Test
  void rejectsOpsWithoutAKernelNamingTheNode() {
    Graph g = Graph.builder("erf")
        .input("x", new TensorType(T, Shape.batched(3)))
        .node(new Node("e1", new Op.Erf(), List.of("x"), List.of("y")), new TensorType(T, Shape.batched(3)))
        .output("y").build();
    TesseraException e = assertThrows(TesseraException.class, () -> new HlsBackend().render(g,
        HlsOptions.defaults()));
    assertTrue(e.getMessage().contains("node 'e1' (Erf): the HLS backend has no fixed-point kernel for Erf"),
        e.getMessage());
  }

  @Test
  void unknownLayerNamesInOptionsAreErrorsListingTheLayers() {
    TesseraException e = assertThrows(TesseraException.class, () -> new HlsBackend().render(denseRelu("d"),
        HlsOptions.defaults().withNodeReuse("dense_9", 2)));
    assertTrue(e.getMessage().contains("unknown layer name [dense_9]") && e.getMessage().contains("[act, d]"),
        e.getMessage());
  }

  @Test
  void invalidReuseFactorMovesToTheNearestValidOneWithAWarning() throws IOException {
    HlsBackend.Result r = new HlsBackend().write(denseRelu("d"), HlsOptions.defaults().withNodeReuse("d", 5)
        .withNodeStrategy("d", Strategy.RESOURCE), dir.resolve("p"));
    assertEquals(1, r.warnings().size());
    assertTrue(r.warnings().get(0).contains("reuse factor 5 is not valid for 4 x 6 (it must divide 24); using 4;"
        + " valid: [1, 2, 3, 4, 6, 8, 12, 24]"), r.warnings().get(0));
    String params = Files.readString(dir.resolve("p/firmware/parameters.h"));
    assertTrue(params.contains("static const unsigned reuse_factor = 4;"), params);
    assertTrue(params.contains("static const tessera::strategy_t strategy = tessera::resource;"), params);
  }

  @Test
  void graphMetadataFillsPerLayerSettingsThatTheOptionsLeaveOpen() {
    Graph g = denseRelu("d").toBuilder().metadata("hls.reuse_factor.d", "3").metadata("hls.strategy.d", "Resource")
        .metadata("hls.reuse_factor.act", "2").build();
    HlsOptions o = HlsOptions.defaults().withNodeReuse("act", 1).withGraphMetadata(g);
    assertEquals(3, o.reuseFor("d"));
    assertEquals(Strategy.RESOURCE, o.strategyFor("d"));
    assertEquals(1, o.reuseFor("act"));
  }

  @Test
  void refusesToOverwriteAFolderThatIsNotAProject() throws IOException {
    Path out = dir.resolve("busy");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    assertThrows(TesseraException.class, () -> new HlsBackend().write(denseRelu("d"), HlsOptions.defaults(), out));
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void replacesAnOldProjectAndLeavesNothingOnError() throws IOException {
    Path out = dir.resolve("prj");
    new HlsBackend().write(denseRelu("d"), HlsOptions.defaults().withTop("first"), out);
    new HlsBackend().write(denseRelu("d"), HlsOptions.defaults().withTop("second"), out);
    assertTrue(Files.exists(out.resolve("firmware/second.cpp")));
    assertFalse(Files.exists(out.resolve("firmware/first.cpp")));
    Graph bad = Graph.builder("bad").input("x", new TensorType(T, Shape.batched(3)))
        .node(new Node("e", new Op.Erf(), List.of("x"), List.of("y")), new TensorType(T, Shape.batched(3)))
        .output("y").build();
    Path fresh = dir.resolve("fresh");
    assertThrows(TesseraException.class, () -> new HlsBackend().write(bad, HlsOptions.defaults(), fresh));
    assertFalse(Files.exists(fresh));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(out), s.toList());
    }
  }
}
