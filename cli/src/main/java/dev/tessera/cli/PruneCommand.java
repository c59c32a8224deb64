package dev.tessera.cli;

import dev.tessera.importer.OnnxExporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.estimate.Target;
import dev.tessera.passes.prune.PrunableLayer;
import dev.tessera.passes.prune.PruneBudget;
import dev.tessera.passes.prune.PruneData;
import dev.tessera.passes.prune.PruneOptions;
import dev.tessera.passes.prune.PruneReport;
import dev.tessera.passes.prune.StructuredPruner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera prune}: post-training structured pruning under a hardware budget (docs/pruning.md). Removes Dense
 * neurons and Conv filters by Fisher-information mask search, rearrangement and tuning, and writes the smaller model
 * as ONNX.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Removes output neurons of Dense layers and output filters of Conv layers from MODEL, without retraining, "
            + "until it fits --budget, and writes the smaller model to --out as ONNX (docs/pruning.md).",
        "Method (Kwon et al. 2022): mask gradients on the --calib samples give the Fisher information of every "
            + "unit; a knapsack keeps the most important units within the budget; mask rearrangement and mask "
            + "tuning (a damped least-squares reconstruction of each layer's output) recover accuracy."})
final class PruneCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx), float.")
  private Path model;

  @Mixin
  private CalibrationOptions calib;

  @Option(names = "--budget", required = true, paramLabel = "B", converter = BudgetConverter.class,
      description = "'macs<=F' (a fraction of the model's MACs, e.g. 0.5 or 50%%), 'lut<=N' or 'dsp<=N' (the "
          + "resource estimate at --precision).")
  private PruneBudget budget;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "PRUNED",
      description = "The pruned model (.onnx), with smaller weight matrices.")
  private Path out;

  @Option(names = "--report", paramLabel = "R", description = "Write the full report as JSON.")
  private Path report;

  @Mixin
  private PruneStep.Options steps;

  @Option(names = "--tune-method", paramLabel = "M",
      description = "What mask tuning fits: 'weights' (each consumer's weights and bias) or 'scales' (one scale per "
          + "kept unit and a bias correction, as in Kwon et al.). Default: weights for a MAC budget, scales for a "
          + "LUT or DSP budget.")
  private PruneOptions.TuneMethod tuneMethod;

  @Option(names = "--precision", paramLabel = "TYPE", converter = FixedTypeConverter.class,
      description = "Fixed-point type of the resource estimates and of LUT/DSP budgets. Default: fixed<16,6>.")
  private FixedType precision;

  @Option(names = "--target", paramLabel = "T",
      description = "Implementation of the estimates: 'rtl' (shift-add Verilog) or 'hls'. Default: hls for a DSP "
          + "budget, rtl otherwise.")
  private String target;

  @Option(names = "--samples", paramLabel = "N", defaultValue = "2000",
      description = "Use at most the first N samples of --calib. Default: ${DEFAULT-VALUE}.")
  private int samples;

  @Option(names = "--test", paramLabel = "X",
      description = "Held-out inputs: the report then gives accuracy (with --test-labels) and agreement on them.")
  private Path test;

  @Option(names = "--test-labels", paramLabel = "Y", description = "Class labels of the --test samples.")
  private Path testLabels;

  @Option(names = "--magnitude", paramLabel = "F", defaultValue = "0",
      description = "Afterwards, also set the fraction F of the smallest weights of every Dense and Conv to 0 "
          + "(unstructured; zero weights cost nothing in the shift-add RTL). Default: 0.")
  private double magnitude;

  @Option(names = "--damping", paramLabel = "D", defaultValue = "0.01",
      description = "Relative damping of the mask-tuning least squares. Default: ${DEFAULT-VALUE}.")
  private double damping;

  @Option(names = "--no-compare",
      description = "Compute only the written variant and its masks without tuning (not the other combinations of "
          + "rearrangement and tuning).")
  private boolean noCompare;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "250",
      description = "Samples per interpreter run. Default: ${DEFAULT-VALUE}.")
  private int batch;

  @Spec
  private CommandSpec spec;

  /** Parses budgets for picocli. */
  static final class BudgetConverter implements CommandLine.ITypeConverter<PruneBudget> {
    @Override
    public PruneBudget convert(String value) {
      try {
        return PruneBudget.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    Path onnx = AtomicOutput.checkTarget(out, "output");
    Path json = report == null ? null : AtomicOutput.checkTarget(report, "report");
    if (onnx.equals(json)) {
      throw new UserException("--out and --report name the same file '" + out + "'");
    }
    if (testLabels != null && test == null) {
      throw new UserException("--test-labels needs --test");
    }
    if (!calib.given()) {
      throw new UserException("prune needs --calib X (the samples for the gradients and the tuning)");
    }
    PruneOptions options = options();
    Graph graph = ModelFiles.load(model);
    Map<String, NdArray> x = calib.inputs(graph);
    PruneData calibration = PruneStep.data(graph, x, calib.labels(x), "--labels");
    PruneData held = null;
    if (test != null) {
      Map<String, NdArray> t = CalibrationOptions.read(graph, List.of(test.toString()), "--test");
      held = PruneStep.data(graph, t, testLabels == null ? null
          : CalibrationOptions.readLabels(testLabels, t, "--test-labels"), "--test-labels");
    }
    PrintWriter o = spec.commandLine().getOut();
    StructuredPruner.Result r = PruneStep.run(graph, calibration, held, options);
    try (AtomicOutput files = new AtomicOutput()) {
      Files.write(files.file(onnx), OnnxExporter.toBytes(r.graph()));
      if (json != null) {
        Files.write(files.file(json), PruneStep.json(r.report()));
      }
      files.commit();
    }
    print(o, spec.commandLine().getErr(), r.report());
    o.printf(Locale.ROOT, "wrote %s%s%n", out, report == null ? "" : ", " + report);
    return Main.OK;
  }

  private PruneOptions options() {
    if (!(magnitude >= 0 && magnitude < 1)) {
      throw new UserException("--magnitude " + magnitude + " must be in [0, 1)");
    }
    if (!(damping >= 0)) {
      throw new UserException("--damping " + damping + " must be >= 0");
    }
    if (samples < 1 || batch < 1) {
      throw new UserException("--samples and --batch must be at least 1");
    }
    Target t = null;
    if (target != null) {
      t = switch (target.toLowerCase(Locale.ROOT)) {
        case "rtl", "shift-add", "verilog" -> Target.SHIFT_ADD_RTL;
        case "hls" -> Target.HLS_LATENCY;
        default -> throw new UserException("--target '" + target + "' is not 'rtl' or 'hls'");
      };
    }
    return steps.apply(PruneOptions.of(budget)).withPrecision(precision).withTarget(t).withTuneMethod(tuneMethod).withDamping(damping).withMaxSamples(samples)
        .withMagnitude(magnitude).withAllVariants(!noCompare).withBatch(batch);
  }

  private static void print(PrintWriter o, PrintWriter err, PruneReport r) {
    o.printf(Locale.ROOT, "prune: %s, budget %s (%,.0f %s; unpruned %,.0f, pruned %,.0f), %d samples, loss %s%n",
        r.model(), r.budget(), r.costLimit(), r.costUnit(), r.costBefore(), r.costAfter(), r.samples(), r.loss());
    TextTable layers = new TextTable("layer", "consumer", ">units", ">kept", ">removed");
    for (PruneReport.Layer l : r.layers()) {
      layers.row(l.node(), l.consumer(), String.valueOf(l.units()), String.valueOf(l.kept()),
          String.valueOf(l.removed().length));
    }
    o.print(layers.render());
    for (PrunableLayer.Skipped s : r.skipped()) {
      o.printf("not pruned: %s (%s)%n", s.node(), s.reason());
    }
    o.println();
    TextTable size = new TextTable("model", ">MACs", ">params", ">LUT", ">FF", ">DSP", ">LUT-equiv");
    size.row("unpruned", n(r.before().macs()), n(r.before().parameters()), n(r.before().lut()), n(r.before().ff()),
        n(r.before().dsp()), n(r.before().lutEquivalents()));
    size.row("pruned", n(r.after().macs()), n(r.after().parameters()), n(r.after().lut()), n(r.after().ff()),
        n(r.after().dsp()), n(r.after().lutEquivalents()));
    o.print(size.render());
    o.printf("(estimates at %s, target %s)%n%n", r.precision(), r.target());
    TextTable v = new TextTable("variant", ">calib acc", ">calib agree", ">test acc", ">test agree");
    for (PruneReport.Variant x : r.variants()) {
      v.row((x.name().equals(r.chosen()) ? "* " : "  ") + x.name(), pct(x.calibration().accuracy()),
          pct(x.calibration().agreement()), x.test() == null ? "-" : pct(x.test().accuracy()),
          x.test() == null ? "-" : pct(x.test().agreement()));
    }
    o.print(v.render());
    o.println("(* written; agreement = same class as the unpruned model)");
    PruneReport.Timing t = r.timeMs();
    o.printf(Locale.ROOT, "time: %.2f s to prune (gradients %.2f s, search %.2f s, rearrangement %.2f s, tuning "
        + "%.2f s over all variants), %.2f s in total%n", t.prune() / 1e3, t.gradients() / 1e3, t.search() / 1e3,
        t.rearrange() / 1e3, t.tune() / 1e3, t.total() / 1e3);
    if (r.magnitudeZeros() > 0) {
      o.printf("magnitude pruning: %,d more weights set to 0%n", r.magnitudeZeros());
    }
    for (String w : r.warnings()) {
      err.println("warning: " + ErrorReport.oneLine(w));
    }
    err.flush();
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String pct(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * v);
  }
}
