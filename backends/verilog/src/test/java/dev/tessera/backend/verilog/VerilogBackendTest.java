package dev.tessera.backend.verilog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Node;
import dev.tessera.ir.Shape;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.TensorType;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerilogBackendTest {

  @TempDir
  Path tmp;

  static Graph tiny() {
    FixedType t = FixedType.parse("fixed<8,3>");
    FixedType w = FixedType.parse("fixed<6,1>");
    Graph.Builder b = Graph.builder("tiny");
    b.input("x", new TensorType(t, Shape.batched(4)));
    b.constant("W", Tensor.ofRaw(w, new long[] {4, 3}, new long[] {3, -7, 0, 12, 1, -16, 0, 0, 5, 8, -2, 31}));
    b.constant("B", Tensor.ofRaw(t, new long[] {3}, new long[] {5, -9, 0}));
    b.node(new Node("fc", new Op.Dense(null), List.of("x", "W", "B"), List.of("h")),
        new TensorType(FixedType.parse("fixed<10,4,RND,SAT>"), Shape.batched(3)));
    b.node(new Node("act", new Op.Relu(), List.of("h"), List.of("r")),
        new TensorType(FixedType.parse("ufixed<9,4>"), Shape.batched(3)));
    b.node(new Node("sm", new Op.Softmax(1, SoftmaxMode.STABLE, null, null), List.of("r"), List.of("y")),
        new TensorType(FixedType.parse("ufixed<10,1,RND,SAT>"), Shape.batched(3)));
    b.output("y");
    return b.build();
  }

  @Test
  void writesTheWholeFolder() throws Exception {
    Path dir = tmp.resolve("out");
    VerilogBackend.Result r = new VerilogBackend(Map.of("model", "tiny.onnx")).write(tiny(),
        VerilogOptions.defaults().withTop("tinytop"), dir);
    for (String f : List.of("rtl/tinytop.v", "rtl/tinytop_core.v", "rtl/tinytop_fc.v", "rtl/tinytop_act.v",
        "rtl/tinytop_sm.v", "rtl/lib/tessera_stream_adapter.v", "filelist.f", "vivado/build.tcl",
        "vivado/tinytop.xdc", "README.md", "tessera-project.json")) {
      assertTrue(Files.isRegularFile(dir.resolve(f)), f);
      String text = Files.readString(dir.resolve(f));
      assertFalse(text.contains("${"), f + " has an unrendered reference");
    }
    RtlProject p = RtlProject.read(dir);
    assertEquals("rtl", p.kind());
    assertEquals("tinytop", p.top());
    assertEquals(r.project().latency(), p.latency());
    assertEquals(p.coreLatency() + 2, p.latency());
    assertEquals(32, p.input().tdataWidth());
    assertEquals(8, p.input().elementWidth());
    assertEquals(4, p.input().elements());
    assertEquals(32, p.output().tdataWidth());
    assertEquals(30, p.output().usedBits());
    assertEquals("ufixed<10,1,RND,SAT>", p.output().type());
    assertEquals("tiny.onnx", p.provenance().get("model"));
    String readme = Files.readString(dir.resolve("README.md"));
    assertTrue(readme.contains("**Latency: " + p.latency() + " clock cycles**"), readme);
    assertTrue(readme.contains("## Bit packing"), readme);
    List<String> files = Files.readAllLines(dir.resolve("filelist.f"));
    assertEquals(p.sources(), files);
    assertEquals("rtl/tinytop.v", files.get(files.size() - 1));
    String tcl = Files.readString(dir.resolve("vivado/build.tcl"));
    assertTrue(tcl.contains("ipx::package_project") && tcl.contains("$root"), tcl);
    assertTrue(Files.readString(dir.resolve("vivado/tinytop.xdc")).contains("-period 5 "));
    String axis = Files.readString(dir.resolve("rtl/tinytop.v"));
    assertTrue(axis.contains("tessera_stream_adapter #(.IN_WIDTH(32), .OUT_WIDTH(32)"), axis);
  }

  @Test
  void replacesAnOldProjectButNotOtherFolders() throws Exception {
    Path dir = tmp.resolve("out");
    new VerilogBackend().write(tiny(), VerilogOptions.defaults(), dir);
    Files.writeString(dir.resolve("stale.txt"), "old");
    new VerilogBackend().write(tiny(), VerilogOptions.defaults().withPipelineDepth(1), dir);
    assertFalse(Files.exists(dir.resolve("stale.txt")), "the folder is replaced as a whole");
    assertEquals(1, RtlProject.read(dir).pipelineDepth());
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("mine.txt"), "keep");
    assertThrows(java.io.IOException.class, () -> new VerilogBackend().write(tiny(), VerilogOptions.defaults(),
        other));
    assertTrue(Files.exists(other.resolve("mine.txt")));
  }

  @Test
  void deeperPipelinesNeverHaveMoreStagesThanShallowOnes() {
    int last = Integer.MAX_VALUE;
    for (int k = 1; k <= 6; k++) {
      int lat = new VerilogBackend().render(tiny(), VerilogOptions.defaults().withPipelineDepth(k)).project()
          .latency();
      assertTrue(lat <= last, "K=" + k + ": " + lat + " > " + last);
      last = lat;
    }
  }

  @Test
  void unsupportedOpsAreNamed() {
    FixedType t = FixedType.parse("fixed<8,3>");
    Graph.Builder b = Graph.builder("pool");
    b.input("x", new TensorType(t, Shape.batched(1, 4, 4)));
    b.node(new Node("mp", new Op.GlobalMaxPool(), List.of("x"), List.of("y")),
        new TensorType(t, Shape.batched(1, 1, 1)));
    b.output("y");
    VerilogBackendException e = assertThrows(VerilogBackendException.class,
        () -> new VerilogBackend().render(b.build(), VerilogOptions.defaults()));
    assertTrue(e.getMessage().contains("node 'mp'") && e.getMessage().contains("no RTL implementation"),
        e.getMessage());
  }

  @Test
  void optionsAreChecked() {
    assertEquals(VerilogOptions.Multipliers.GENERIC, VerilogOptions.Multipliers.parse("generic"));
    assertEquals(VerilogOptions.Multipliers.SHIFT_ADD, VerilogOptions.Multipliers.parse("shift-add"));
    assertThrows(IllegalArgumentException.class, () -> VerilogOptions.Multipliers.parse("dsp"));
    assertThrows(IllegalArgumentException.class, () -> VerilogOptions.defaults().withTop("1bad"));
    assertThrows(IllegalArgumentException.class, () -> VerilogOptions.defaults().withPipelineDepth(-1));
    assertEquals(VerilogOptions.DEFAULT_PIPELINE_DEPTH, VerilogOptions.defaults().levelsPerStage());
  }
}
