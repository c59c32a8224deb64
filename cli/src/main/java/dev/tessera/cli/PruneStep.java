package dev.tessera.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.passes.prune.PruneData;
import dev.tessera.passes.prune.PruneOptions;
import dev.tessera.passes.prune.PruneReport;
import dev.tessera.passes.prune.StructuredPruner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Structured pruning as one step, shared by {@code tessera prune} and {@code tessera build --prune}: reads the
 * samples, runs {@link StructuredPruner} and gives the pruned graph, its report as JSON and a summary line.
 */
final class PruneStep {
  private PruneStep() {
  }

  /** The pruning options under the same names in {@code prune} and {@code build} (a picocli mixin). */
  static final class Options {
    @Option(names = "--no-rearrange", description = "Pruning: skip mask rearrangement.")
    boolean noRearrange;

    @Option(names = "--no-tune", description = "Pruning: skip mask tuning.")
    boolean noTune;

    /** These options applied to {@code o}. */
    PruneOptions apply(PruneOptions o) {
      return o.withRearrange(!noRearrange).withTune(!noTune);
    }
  }

  /** Samples of the single input of {@code g} and their labels (checked against the output's classes). */
  static PruneData data(Graph g, Map<String, NdArray> inputs, int[] labels, String labelOption) {
    if (g.inputs().size() != 1) {
      throw new UserException("prune supports models with one input; this one has " + g.inputs());
    }
    if (labels != null) {
      var last = g.type(g.outputs().get(0)).shape().dim(-1);
      long classes = last.isSymbolic() ? Long.MAX_VALUE : g.type(g.outputs().get(0)).shape().size(-1);
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] >= classes) {
          throw new UserException(labelOption + ": label " + labels[i] + " at index " + i + " is not a class in "
              + "[0, " + classes + ")");
        }
      }
    }
    return new PruneData(inputs, labels);
  }

  /** Prunes {@code g}; {@code held} (or null) are held-out samples for the report. */
  static StructuredPruner.Result run(Graph g, PruneData calibration, PruneData held, PruneOptions options) {
    try {
      return new StructuredPruner(options, null).prune(g, calibration, held);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
  }

  /** The report as indented JSON. */
  static byte[] json(PruneReport r) throws IOException {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(r);
  }

  /** One line: the units removed per layer, the cost before and after, the written variant's agreement. */
  static String summary(PruneReport r) {
    List<String> removed = new ArrayList<>();
    for (PruneReport.Layer l : r.layers()) {
      removed.add(String.format(Locale.ROOT, "%s %d of %d", l.node(), l.removed().length, l.units()));
    }
    double agreement = Double.NaN;
    for (PruneReport.Variant v : r.variants()) {
      if (v.name().equals(r.chosen())) {
        agreement = v.calibration().agreement();
      }
    }
    String macs = r.costUnit().equals("MACs") ? "" : String.format(Locale.ROOT, "MACs %,d -> %,d, ",
        r.before().macs(), r.after().macs());
    return String.format(Locale.ROOT, "prune: removed %s units; budget %s: %s %,.0f -> %,.0f (limit %,.0f); %s%,d ->"
        + " %,d LUT-equivalents estimated at %s; %s: agreement %.2f %% with the unpruned model on %d samples, %.1f s",
        removed.isEmpty() ? "no" : String.join(", ", removed), r.budget(), r.costUnit(), r.costBefore(),
        r.costAfter(), r.costLimit(), macs, r.before().lutEquivalents(), r.after().lutEquivalents(), r.precision(),
        r.chosen(), 100 * agreement, r.samples(), r.timeMs().total() / 1e3);
  }
}
