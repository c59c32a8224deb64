package dev.tessera.passes.prune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.ir.Graph;

/**
 * Prunes the digits MLP and CNN and the jet tagger at half their MACs and prints the reports (not a test: run with
 * {@code mvn -pl passes exec:java} or from an IDE; numbers go into docs/pruning.md).
 */
public final class PruneBenchmark {

  private PruneBenchmark() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    String budget = args.length > 0 ? args[0] : "macs<=0.5";
    PruneOptions o = PruneOptions.of(PruneBudget.parse(budget));
    if (args.length > 1) {
      o = o.withDamping(Double.parseDouble(args[1]));
    }
    if (args.length > 2) {
      o = o.withBiasCorrection(Boolean.parseBoolean(args[2]));
    }
    String only = args.length > 3 ? args[3] : "";
    boolean labels = args.length <= 4 || Boolean.parseBoolean(args[4]);
    for (String m : new String[] {"mlp", "cnn"}) {
      if (!only.isEmpty() && !only.equals(m)) {
        continue;
      }
      Graph g = PruneExamples.model("digits/digits_" + m + ".onnx");
      PruneData calib = PruneExamples.data(g, "digits/calib_" + m + ".npy",
          labels ? "digits/calib_labels.npy" : null);
      PruneData test = PruneExamples.data(g, "digits/test_" + m + ".npy", "digits/test_labels.npy");
      StructuredPruner.Result r = new StructuredPruner(o, null).prune(g, calib, test);
      System.out.println(json.writeValueAsString(r.report()));
    }
    if (only.isEmpty() || only.equals("jet")) {
      Graph g = PruneExamples.model("jet-tagger/jet_tagger.onnx");
      PruneData calib = PruneExamples.data(g, "jet-tagger/calib.npy", null);
      PruneData test = PruneExamples.data(g, "jet-tagger/test_inputs.npy", "jet-tagger/test_labels.npy");
      StructuredPruner.Result r = new StructuredPruner(o, null).prune(g, calib, test);
      System.out.println(json.writeValueAsString(r.report()));
    }
  }
}
