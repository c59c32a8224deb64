package dev.tessera.passes.prune;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.estimate.Estimate;
import dev.tessera.passes.estimate.EstimateOptions;
import java.util.Locale;

/**
 * Pruning and quantization of the jet tagger together: for each uniform precision and LUT budget, prunes (label-free,
 * 2,000 samples), quantizes, and prints the shift-add estimate and the agreement of the bit-exact fixed-point model
 * with the unpruned float model on the 1,000 held-out inputs (argmax of the logits, the Softmax input, which is what
 * an argmax output of the hardware computes). Not a test (run its main); numbers go into
 * docs/pruning.md. Arguments: precisions separated by ';', budgets separated by ',' (a number is a LUT budget), the magnitude-pruning
 * fraction, the tuning (none, scales, weights).
 */
public final class QuantPruneSweep {

  private QuantPruneSweep() {}

  public static void main(String[] args) throws Exception {
    Graph g = PruneExamples.model("jet-tagger/jet_tagger.onnx");
    PruneData calib = PruneExamples.data(g, "jet-tagger/calib.npy", null);
    PruneData test = PruneExamples.data(g, "jet-tagger/test_inputs.npy", "jet-tagger/test_labels.npy");
    int[] ref = Evaluation.predictions(g, test, 500);
    String[] precisions = (args.length > 0 ? args[0] : "fixed<16,6>;fixed<10,4>;fixed<8,3>;fixed<7,3>;fixed<6,3>")
        .split(";");
    String[] budgets = (args.length > 1 ? args[1] : "").split(",");
    System.out.printf("%-14s %-10s %8s %8s %5s %8s %9s %9s %s%n", "precision", "budget", "LUT", "FF", "DSP", "MACs",
        "agree", "accuracy", "kept");
    for (String p : precisions) {
      FixedType t = FixedType.parse(p.trim());
      row(t, "none", g, test, ref, "");
      for (String b : budgets) {
        if (b.isBlank()) {
          continue;
        }
        String budget = b.contains("<=") ? b.trim() : "lut<=" + b.trim();
        PruneOptions o = PruneOptions.of(PruneBudget.parse(budget)).withPrecision(t)
            .withAllVariants(false).withMagnitude(args.length > 2 ? Double.parseDouble(args[2]) : 0);
        if (args.length > 3) {
          o = args[3].equals("none") ? o.withTune(false)
              : o.withTuneMethod(PruneOptions.TuneMethod.valueOf(args[3].toUpperCase(Locale.ROOT)));
        }
        try {
          StructuredPruner.Result r = new StructuredPruner(o, null).prune(g, calib, null);
          StringBuilder kept = new StringBuilder();
          for (PruneReport.Layer l : r.report().layers()) {
            kept.append(l.node()).append(' ').append(l.kept()).append('/').append(l.units()).append(' ');
          }
          row(t, budget, r.graph(), test, ref, kept.toString());
        } catch (PruneException e) {
          System.out.printf("%-14s %-10s %s%n", t, budget, e.getMessage());
        }
      }
    }
  }

  private static void row(FixedType t, String budget, Graph g, PruneData test, int[] ref, String kept) {
    Graph q = StandardPipelines.forHardware(PrecisionConfig.uniform(t)).run(g, PassContext.create());
    Estimate e = dev.tessera.passes.estimate.ResourceEstimator.estimate(q, EstimateOptions.shiftAdd());
    FixedInterpreter fi = new FixedInterpreter(q);
    String logits = FisherGradients.logitsOf(q, q.outputs().get(0));
    NdArray y = fi.runAll(fi.quantizeInputs(test.inputs())).get(logits).toNdArray();
    int classes = Math.toIntExact(y.dim(1));
    int agree = 0;
    int correct = 0;
    for (int i = 0; i < ref.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (y.data()[i * classes + c] > y.data()[i * classes + best]) {
          best = c;
        }
      }
      agree += best == ref[i] ? 1 : 0;
      correct += best == test.labels()[i] ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "%-14s %-10s %8d %8d %5d %8d %8.1f%% %8.1f%% %s%n", t, budget, e.total().lut(),
        e.total().ff(), e.total().dsp(), dev.tessera.ir.GraphStats.of(g).macs(), 100.0 * agree / ref.length,
        100.0 * correct / ref.length, kept);
  }
}
