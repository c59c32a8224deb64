package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The sample inputs and labels that {@code quantize}, {@code prune} and the steps of {@code build} read:
 * {@code --calib X} (for a model with several inputs, {@code --calib NAME=X} per input) and {@code --labels Y}.
 */
final class CalibrationOptions {

  @Option(names = "--calib", paramLabel = "X", description = "Calibration samples (.npy, .csv, .dat, .txt; batch on "
      + "axis 0); for a model with several inputs repeat as NAME=X.")
  private List<String> calib = new ArrayList<>();

  @Option(names = "--labels", paramLabel = "Y", description = "Integer class labels of the --calib samples.")
  private Path labels;

  boolean given() {
    return !calib.isEmpty();
  }

  Path labels() {
    return labels;
  }

  /** The --calib files as given, joined with spaces (for provenance). */
  String describe() {
    List<String> abs = new ArrayList<>();
    for (String a : calib) {
      abs.add(a.indexOf('=') > 0 ? a : Path.of(a).toAbsolutePath().normalize().toString());
    }
    return String.join(" ", abs);
  }

  /** The --calib samples, one array per input of {@code graph}, fitted to the input shapes. */
  Map<String, NdArray> inputs(Graph graph) throws IOException {
    return read(graph, calib, "--calib");
  }

  /** The --labels, one per sample of {@code samples} inputs; null without --labels. */
  int[] labels(Map<String, NdArray> samples) throws IOException {
    return labels == null ? null : readLabels(labels, samples, "--labels");
  }

  /** Samples for every input of {@code graph} from {@code args} ({@code FILE}, or {@code NAME=FILE} per input). */
  static Map<String, NdArray> read(Graph graph, List<String> args, String option) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    List<String> names = graph.inputs();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String n = eq > 0 ? arg.substring(0, eq) : null;
      if (n != null && names.contains(n)) {
        if (files.put(n, Path.of(arg.substring(eq + 1))) != null) {
          throw new UserException("input '" + n + "' is given twice");
        }
      } else if (names.size() == 1 && args.size() == 1) {
        files.put(names.get(0), Path.of(arg));
      } else {
        throw new UserException("the model has inputs " + names + "; give each as " + option + " NAME=FILE (got '"
            + arg + "')");
      }
    }
    Map<String, NdArray> data = new LinkedHashMap<>();
    for (String n : names) {
      Path p = files.get(n);
      if (p == null) {
        throw new UserException("no data for model input '" + n + "'; give " + option + " " + n + "=FILE");
      }
      data.put(n, Samples.fit(graph, n, InputFiles.readArray(p, option.substring(2)), option + " '" + p + "'"));
    }
    return data;
  }

  /** Non-negative integer class labels, exactly one per sample of {@code data}. */
  static int[] readLabels(Path file, Map<String, NdArray> data, String option) throws IOException {
    NdArray a = InputFiles.readArray(file, option.substring(2));
    long n = data.values().iterator().next().dim(0);
    if (a.size() != n) {
      throw new UserException(option + " '" + file + "' has " + a.size() + " labels for " + n + " samples");
    }
    int[] y = new int[a.size()];
    for (int i = 0; i < y.length; i++) {
      double v = a.data()[i];
      if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
        throw new UserException(option + " '" + file + "': value " + v + " at index " + i
            + " is not a class index (a non-negative integer)");
      }
      y[i] = (int) v;
    }
    return y;
  }
}
