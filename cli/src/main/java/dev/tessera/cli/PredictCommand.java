package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.ArrayFiles;
import dev.tessera.ir.io.NpyDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera predict}: runs a model on samples from a file, in float or bit-exact fixed point, and writes the
 * outputs. The first graph output goes to {@code --output}; each further output {@code o} goes next to it with
 * {@code .o} inserted before the extension ({@code y.npy} gives {@code y.npy} and {@code y.o.npy}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Runs MODEL on the samples in --input (batch on axis 0) and writes the outputs to --output.",
        "Without --fixed the float interpreter runs (double precision, ONNX semantics); with --fixed the "
            + "bit-exact fixed-point interpreter runs after the standard hardware pipeline.",
        "Files: .npy (any float/int dtype, either byte order, C or Fortran order), .csv and .dat/.txt (one "
            + "sample per row, flattened)."})
final class PredictCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "X",
      description = "Input samples (.npy, .csv, .dat, .txt). For a model with several inputs, repeat as NAME=X.")
  private List<String> inputs = new ArrayList<>();

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "Y",
      description = "Output file (.npy, .csv, .dat, .txt); further graph outputs go to Y with .<output name> "
          + "inserted before the extension.")
  private Path output;

  @Option(names = "--fixed",
      description = "Run the bit-exact fixed-point interpreter after the standard hardware pipeline "
          + "(implied by --precision and --config).")
  private boolean fixed;

  @Mixin
  private PrecisionOptions precision;

  @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32", converter = OutputTypeConverter.class,
      description = "Element type of the written values: float32 (default) or float64 (exact for fixed-point "
          + "types wider than 24 bits).")
  private NpyDType dtype;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1024",
      description = "Samples per interpreter run (memory versus speed; results do not depend on it). Default: "
          + "${DEFAULT-VALUE}.")
  private int batch;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path target = AtomicOutput.checkTarget(output, "output");
    if (!ArrayFiles.isSupported(output)) {
      throw new UserException("output " + ArrayFiles.unsupported(output));
    }
    boolean useFixed = fixed || precision.given();
    if (useFixed) {
      precision.precisionConfig();
    }
    Graph graph = ModelFiles.load(model);
    Map<String, NdArray> data = CalibrationOptions.read(graph, inputs, "--input");
    BatchRunner runner = useFixed ? BatchRunner.fixed(precision.lower(graph, spec.commandLine().getErr()), batch)
        : BatchRunner.floating(graph, batch);
    Map<String, NdArray> results = runner.run(data);
    Map<Path, NdArray> files = outputFiles(target, results);
    try (AtomicOutput out = new AtomicOutput()) {
      for (Map.Entry<Path, NdArray> e : files.entrySet()) {
        AtomicOutput.checkTarget(e.getKey(), "output");
        ArrayFiles.write(out.file(e.getKey()), e.getValue(), dtype);
      }
      out.commit();
    }
    long samples = data.values().iterator().next().dim(0);
    spec.commandLine().getOut().printf(Locale.ROOT, "predict: %d samples, %s, wrote %s%n", samples,
        useFixed ? "fixed point (" + precision.describe() + ")" : "float",
        String.join(", ", files.keySet().stream().map(p -> relative(p)).toList()));
    return Main.OK;
  }

  /** The file for each graph output: the first at {@code target}, the others with their name inserted. */
  static Map<Path, NdArray> outputFiles(Path target, Map<String, NdArray> results) {
    Map<Path, NdArray> files = new LinkedHashMap<>();
    boolean first = true;
    for (Map.Entry<String, NdArray> e : results.entrySet()) {
      Path p = first ? target : sibling(target, e.getKey());
      if (files.put(p, e.getValue()) != null) {
        throw new UserException("two model outputs map to the same file '" + p + "'");
      }
      first = false;
    }
    return files;
  }

  /** {@code dir/y.npy} and output {@code prob} give {@code dir/y.prob.npy}. */
  static Path sibling(Path target, String outputName) {
    String file = target.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String safe = outputName.replaceAll("[^A-Za-z0-9_.-]", "_");
    String name = dot > 0 ? file.substring(0, dot) + "." + safe + file.substring(dot) : file + "." + safe;
    return target.resolveSibling(name);
  }

  private static String relative(Path p) {
    Path cwd = Path.of("").toAbsolutePath();
    return p.startsWith(cwd) ? cwd.relativize(p).toString() : p.toString();
  }
}
