package dev.tessera.backend.verilog;

import dev.tessera.backend.verilog.rtl.RtlModule;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphFingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Verilog backend: a quantized graph becomes a folder with one module per layer, a pipeline core with II = 1
 * and a valid bit, an AXI-Stream top that honours back-pressure, a file list, a Vivado script, a README with latency
 * and bit packing, and {@code tessera-project.json}. The folder is written to a temporary sibling and moved into
 * place when complete.
 */
public final class VerilogBackend {

  /** Value of {@link RtlProject#generator()}. */
  public static final String GENERATOR = "Tessera (Verilog backend)";

  /**
   * What was written.
   *
   * @param dir the project folder
   * @param project its description
   * @param files every file, relative to the folder
   */
  public record Result(Path dir, RtlProject project, List<String> files) {}

  private final Map<String, String> provenance;

  public VerilogBackend() {
    this(Map.of());
  }

  /** With facts (model path, precision, config) recorded in the project description. */
  public VerilogBackend(Map<String, String> provenance) {
    this.provenance = Map.copyOf(provenance);
  }

  /** Generates the project into {@code outDir} (replaced if it exists and is a generated project or empty). */
  public Result write(Graph quantizedGraph, VerilogOptions opts, Path outDir) throws IOException {
    Rendered r = render(quantizedGraph, opts);
    Path abs = outDir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    if (Files.exists(abs) && !(Files.isDirectory(abs) && (isEmpty(abs) || RtlProject.isRtlProject(abs)))) {
      throw new IOException("'" + outDir + "' exists and is not an RTL project folder; choose another --out");
    }
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp");
    try {
      for (Map.Entry<String, String> e : r.files().entrySet()) {
        Path f = tmp.resolve(e.getKey());
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
      }
      if (Files.exists(abs)) {
        Path old = Files.createTempDirectory(parent, "." + abs.getFileName() + ".old");
        Files.delete(old);
        Files.move(abs, old);
        move(tmp, abs);
        deleteTree(old);
      } else {
        move(tmp, abs);
      }
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
    return new Result(abs, r.project(), new ArrayList<>(r.files().keySet()));
  }

  /** The project text in memory: file path (relative) to content, and the description. */
  public record Rendered(Map<String, String> files, RtlProject project) {}

  public Rendered render(Graph g, VerilogOptions opts) {
    DesignBuilder.Design d = new DesignBuilder(g, opts).build();
    Renderer renderer = new Renderer();
    Map<String, String> files = new LinkedHashMap<>();
    List<String> sources = new ArrayList<>();
    for (String lib : RtlLibrary.MODULES) {
      String p = "rtl/lib/" + lib + ".v";
      files.put(p, RtlLibrary.source(lib + ".v"));
      sources.add(p);
    }
    List<RtlProject.Layer> layerInfo = new ArrayList<>();
    for (LayerRtl l : d.layers()) {
      RtlModule.ModuleView v = l.module().view();
      String p = "rtl/" + v.name() + ".v";
      files.put(p, renderer.render("layer.vm", Map.of("m", v)));
      sources.add(p);
      layerInfo.add(new RtlProject.Layer(v.name(), l.node(), l.kind(), l.latency(), l.adders(), l.multipliers(),
          l.depth()));
    }
    String core = opts.top() + "_core";
    int inBits = d.input().bits();
    int outBits = d.output().bits();
    files.put("rtl/" + core + ".v", renderer.render("core.vm", Map.of("v", coreView(core, d, inBits, outBits))));
    sources.add("rtl/" + core + ".v");
    int coreLatency = d.coreLatency();
    int creditLog2 = 1;
    while ((1 << creditLog2) < coreLatency + 3) {
      creditLog2++;
    }
    int sBits = roundBytes(inBits);
    int mBits = roundBytes(outBits);
    int latency = coreLatency + 2;
    files.put("rtl/" + opts.top() + ".v", renderer.render("axis_top.vm", Map.of("v", axisView(opts.top(), core,
        inBits, outBits, sBits, mBits, creditLog2, latency, g.name()))));
    sources.add("rtl/" + opts.top() + ".v");
    files.put("filelist.f", renderer.render("filelist.vm", Map.of("files", sources)));
    Map<String, Object> vv = new HashMap<>();
    vv.put("top", opts.top());
    vv.put("part", opts.part());
    vv.put("files", sources);
    vv.put("clockMhz", fmt(opts.clockMhz()));
    vv.put("periodNs", fmt(1000.0 / opts.clockMhz()));
    vv.put("D", "$");
    files.put("vivado/build.tcl", renderer.render("vivado.vm", vv));
    files.put("vivado/" + opts.top() + ".xdc", renderer.render("constraints.vm", vv));
    String mult = opts.multipliers() == VerilogOptions.Multipliers.GENERIC ? "generic" : "shift-add";
    RtlProject.Port in = port(d.inputName(), d.input(), sBits);
    RtlProject.Port out = port(d.argmax() ? d.outputName() + ":argmax" : d.outputName(), d.output(), mBits);
    RtlProject project = new RtlProject(RtlProject.KIND, RtlProject.FORMAT_VERSION, GENERATOR, g.name(), opts.top(),
        core, opts.part(), opts.clockMhz(), mult, opts.levelsPerStage(), latency, coreLatency, 1 << creditLog2,
        GraphFingerprint.of(g), d.argmax(), in, out, sources, layerInfo, provenance);
    Map<String, Object> rv = new HashMap<>(vv);
    rv.put("H", "#");
    rv.put("model", g.name());
    rv.put("multipliers", mult);
    rv.put("depth", opts.levelsPerStage());
    rv.put("sBits", sBits);
    rv.put("mBits", mBits);
    rv.put("latency", latency);
    rv.put("coreLatency", coreLatency);
    rv.put("credits", 1 << creditLog2);
    rv.put("inName", in.tensor());
    rv.put("inShape", Arrays.toString(in.shape()));
    rv.put("inType", in.type());
    rv.put("inWidth", in.elementWidth());
    rv.put("inCount", in.elements());
    rv.put("inMsb", in.usedBits() - 1);
    rv.put("outName", out.tensor());
    rv.put("outShape", Arrays.toString(out.shape()));
    rv.put("outType", out.type());
    rv.put("outWidth", out.elementWidth());
    rv.put("outCount", out.elements());
    rv.put("outMsb", out.usedBits() - 1);
    rv.put("argmax", d.argmax());
    rv.put("argmaxOf", d.outputName());
    rv.put("layers", layerInfo);
    files.put("README.md", renderer.render("readme.vm", rv));
    files.put(RtlProject.FILE, project.toJson());
    return new Rendered(files, project);
  }

  /** View of the pipeline core. */
  public record CoreView(String name, List<String> comments, int inMsb, int outMsb, List<Instance> instances,
      String lastValid, String lastData) {}

  /** One layer instance in the core. */
  public record Instance(String comment, String module, String instance, String inValid, String inData,
      String outValid, String outData, int outMsb) {}

  /** View of the AXI-Stream top. */
  public record AxisView(String name, List<String> comments, int sMsb, int mMsb, int inMsb, int outMsb,
      boolean inPadded, int inPadFrom, String sData, String mData, String adapterDecl, String core) {}

  private static CoreView coreView(String core, DesignBuilder.Design d, int inBits, int outBits) {
    List<Instance> inst = new ArrayList<>();
    String valid = "in_valid_q";
    String data = "in_data_q";
    int i = 0;
    int at = 1;
    for (LayerRtl l : d.layers()) {
      String base = "l" + i;
      at += l.latency();
      inst.add(new Instance(l.node() + ": " + l.kind() + ", " + l.latency() + " cycle(s), output valid at cycle "
          + at, l.module().name(), base, valid, data, base + "_valid", base + "_data", l.out().bits() - 1));
      valid = base + "_valid";
      data = base + "_data";
      i++;
    }
    List<String> comments = List.of(core + ": the layers of '" + d.inputName() + "' -> '" + d.outputName()
        + "' as one free-running pipeline,", "II = 1, latency " + d.coreLatency()
        + " cycles (input register included); valid travels with the data");
    return new CoreView(core, comments, inBits - 1, outBits - 1, inst, valid, data);
  }

  private static AxisView axisView(String top, String core, int inBits, int outBits, int sBits, int mBits,
      int creditLog2, int latency, String model) {
    String adapter = "tessera_stream_adapter #(.IN_WIDTH(" + inBits + "), .OUT_WIDTH(" + mBits + "), .CREDIT_LOG2("
        + creditLog2 + "))";
    String sData = sBits == inBits ? "s_axis_tdata" : "s_axis_tdata[" + (inBits - 1) + ":0]";
    String mData = mBits == outBits ? "pipe_out_data" : "{" + (mBits - outBits) + "'h0, pipe_out_data}";
    List<String> comments = List.of(top + ": AXI-Stream top of model '" + model + "' (Tessera)",
        "latency " + latency + " cycles from an s_axis handshake to m_axis_tvalid; II = 1 while m_axis_tready is high;",
        "back-pressure safe: credits for " + (1 << creditLog2) + " results (see rtl/lib/tessera_stream_adapter.v)");
    return new AxisView(top, comments, sBits - 1, mBits - 1, inBits - 1, outBits - 1, sBits != inBits, inBits,
        sData, mData, adapter, core);
  }

  private static RtlProject.Port port(String name, TensorDesc t, int tdata) {
    FixedType f = t.type();
    return new RtlProject.Port(name, t.shape(), f.toString(), f.width(), t.size(), tdata);
  }

  static int roundBytes(int bits) {
    return (bits + 7) / 8 * 8;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
