package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.GraphFingerprint;
import dev.tessera.ir.Node;
import dev.tessera.ir.diag.TesseraException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a complete Vitis HLS project for a quantized graph: firmware (top function, typedefs, one config per layer,
 * constants as raw integers, the kernel library), a test bench with sample data and the interpreter's expected
 * outputs, build_prj.tcl, a README and tessera-project.json. The project is written into a temporary folder next to
 * the destination and moved into place when complete; on an error nothing is left behind.
 */
public final class HlsBackend {

  /** The generator named in every generated file. */
  public static final String GENERATOR = "Tessera (HLS C++ backend)";

  /** Folder of the kernel library inside a project. */
  public static final String LIB_DIR = "firmware/tessera";

  /** Number of sample vectors in tb_data/inputs.dat. */
  public static final int SAMPLE_VECTORS = 8;

  private final TemplateRenderer renderer = new TemplateRenderer();

  /** A written project: where it is, its description, and warnings (such as adjusted reuse factors). */
  public record Result(Path dir, ProjectDescriptor descriptor, List<String> warnings, List<String> files) {
  }

  /**
   * Generates the project for {@code quantizedGraph} into {@code outDir}. An existing {@code outDir} is replaced if
   * it is empty or a Tessera project, and is an error otherwise.
   */
  public Result write(Graph quantizedGraph, HlsOptions opts, Path outDir) throws IOException {
    Path target = outDir.toAbsolutePath().normalize();
    checkTarget(target);
    checkNodeNames(quantizedGraph, opts);
    ProjectBuilder builder = new ProjectBuilder(quantizedGraph, opts);
    Views.Project p = builder.build();
    ProjectDescriptor descriptor = descriptor(quantizedGraph, opts, p);
    Map<String, String> files = render(p, descriptor, quantizedGraph);
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tessera-");
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = tmp.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      }
      replace(tmp, target);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
    return new Result(target, descriptor, List.copyOf(builder.warnings), List.copyOf(files.keySet()));
  }

  /** The files of the project, by relative path (for tests that compare text without writing). */
  public Map<String, String> render(Graph quantizedGraph, HlsOptions opts) {
    checkNodeNames(quantizedGraph, opts);
    Views.Project p = new ProjectBuilder(quantizedGraph, opts).build();
    return render(p, descriptor(quantizedGraph, opts, p), quantizedGraph);
  }

  private Map<String, String> render(Views.Project p, ProjectDescriptor d, Graph g) {
    Map<String, String> files = new LinkedHashMap<>();
    Map<String, Object> vars = Map.of("p", p);
    files.put("firmware/" + p.top() + ".cpp", renderer.render("top.cpp.vm", vars));
    files.put("firmware/" + p.top() + ".h", renderer.render("top.h.vm", vars));
    files.put("firmware/defines.h", renderer.render("defines.h.vm", vars));
    files.put("firmware/parameters.h", renderer.render("parameters.h.vm", vars));
    for (Views.Weight w : p.weights()) {
      files.put("firmware/weights/" + w.file(), renderer.render("weight.h.vm", Map.of("w", w, "generator",
          p.generator())));
    }
    for (String lib : KernelLibrary.FILES) {
      files.put(LIB_DIR + "/" + lib, KernelLibrary.read(lib));
    }
    files.put("tb/" + p.top() + "_test.cpp", renderer.render("test.cpp.vm", vars));
    files.put("build_prj.tcl", renderer.render("build_prj.tcl.vm", vars));
    files.put("README.md", renderer.render("README.md.vm", vars));
    List<FixedType> types = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (ProjectDescriptor.PortDescriptor in : d.inputs()) {
      types.add(in.fixedType());
      sizes.add(in.size());
    }
    List<BigInteger[][]> samples = RawVectors.random(types, sizes, SAMPLE_VECTORS, 1L);
    List<BigInteger[][]> expected = new ReferenceOutputs(g).run(samples);
    files.put("tb_data/inputs.dat", dat("random inputs on the input types' grids (seed 1)", samples));
    files.put("tb_data/expected_outputs.dat", dat("outputs of Tessera's fixed-point interpreter for inputs.dat",
        expected));
    files.put(ProjectDescriptor.FILE, d.toJson());
    return files;
  }

  private static String dat(String comment, List<BigInteger[][]> vectors) {
    StringBuilder b = new StringBuilder("# ").append(comment).append("; raw integers, one vector per line\n");
    for (BigInteger[][] v : vectors) {
      b.append(RawVectors.line(v)).append('\n');
    }
    return b.toString();
  }

  private static ProjectDescriptor descriptor(Graph g, HlsOptions opts, Views.Project p) {
    List<ProjectDescriptor.PortDescriptor> in = new ArrayList<>();
    for (int i = 0; i < p.inputs().size(); i++) {
      in.add(port(g, p.inputs().get(i)));
    }
    List<ProjectDescriptor.PortDescriptor> out = new ArrayList<>();
    for (int i = 0; i < p.outputs().size(); i++) {
      out.add(port(g, p.outputs().get(i)));
    }
    return new ProjectDescriptor(ProjectDescriptor.KIND, ProjectDescriptor.FORMAT_VERSION, GENERATOR, g.name(),
        p.top(), opts.part(), opts.clockNs(), GraphFingerprint.of(g), in, out, opts.provenance());
  }

  private static ProjectDescriptor.PortDescriptor port(Graph g, Views.Port p) {
    FixedType t = g.type(p.tensor()).fixed();
    return new ProjectDescriptor.PortDescriptor(p.name(), p.tensor(), g.type(p.tensor()).shape().sizes(1),
        canonical(t));
  }

  /** The text form with modes always spelled out, so that it parses back to the same type. */
  static String canonical(FixedType t) {
    return (t.signed() ? "fixed<" : "ufixed<") + t.width() + "," + t.integerBits() + "," + t.rounding() + ","
        + t.overflow() + ">";
  }

  private static void checkNodeNames(Graph g, HlsOptions opts) {
    TreeSet<String> names = new TreeSet<>();
    for (Node n : g.nodes()) {
      names.add(n.name());
    }
    List<String> unknown = new ArrayList<>();
    for (String n : opts.nodeReuse().keySet()) {
      if (!names.contains(n)) {
        unknown.add(n);
      }
    }
    for (String n : opts.nodeStrategy().keySet()) {
      if (!names.contains(n) && !unknown.contains(n)) {
        unknown.add(n);
      }
    }
    if (!unknown.isEmpty()) {
      throw new TesseraException("unknown layer name" + (unknown.size() == 1 ? " " : "s ") + unknown
          + " in the HLS options; the graph's layers are " + names);
    }
  }

  private static void checkTarget(Path target) throws IOException {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new TesseraException("output '" + target + "' exists and is not a folder");
    }
    if (Files.isDirectory(target) && !ProjectDescriptor.isProject(target)) {
      try (Stream<Path> s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw new TesseraException("output folder '" + target + "' is not empty and holds no Tessera project; "
              + "choose another folder or empty it");
        }
      }
    }
  }

  /** Moves the finished folder into place, replacing an old project only after the new one is complete. */
  private static void replace(Path tmp, Path target) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
      Files.move(target, old);
    }
    try {
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        Files.move(tmp, target);
      }
    } catch (IOException e) {
      if (old != null) {
        Files.move(old, target);
      }
      throw e;
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
