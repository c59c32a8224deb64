package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a graph over many samples in batches (axis 0), with the float interpreter or the bit-exact fixed-point
 * interpreter, and joins the outputs. Fixed-point outputs are returned as their exact values in doubles.
 */
final class BatchRunner {
  private final Graph graph;
  private final Function<Map<String, NdArray>, Map<String, NdArray>> engine;
  private final int batch;

  private BatchRunner(Graph graph, Function<Map<String, NdArray>, Map<String, NdArray>> engine, int batch) {
    this.graph = graph;
    this.engine = engine;
    this.batch = batch;
  }

  /** Float (double) semantics of the graph; {@code batch} samples per interpreter call. */
  static BatchRunner floating(Graph g, int batch) {
    FloatInterpreter interp = new FloatInterpreter(g);
    return new BatchRunner(g, interp::run, batchFor(g, batch));
  }

  /** Bit-exact fixed-point semantics of a quantized graph. */
  static BatchRunner fixed(Graph g, int batch) {
    FixedInterpreter interp = new FixedInterpreter(g);
    return new BatchRunner(g, in -> {
      Map<String, FixedArray> raw = interp.run(in);
      Map<String, NdArray> out = new LinkedHashMap<>();
      raw.forEach((k, v) -> out.put(k, v.toNdArray()));
      return out;
    }, batchFor(g, batch));
  }

  /** The batch size to use: the requested one, or the graph's own when it fixes axis 0 of its inputs. */
  private static int batchFor(Graph g, int requested) {
    if (requested < 1) {
      throw new UserException("--batch must be at least 1, got " + requested);
    }
    long fixed = -1;
    for (String in : g.inputs()) {
      long b = Samples.fixedBatch(g, in);
      if (b >= 0) {
        fixed = b;
      }
    }
    return fixed > 0 ? Math.toIntExact(fixed) : requested;
  }

  int batch() {
    return batch;
  }

  /**
   * Runs every sample. All inputs must have the same number of samples on axis 0 (shaped by {@link Samples#fit});
   * returns the graph outputs by name in graph order, each [samples, ...].
   */
  Map<String, NdArray> run(Map<String, NdArray> inputs) {
    long samples = -1;
    for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
      long n = e.getValue().dim(0);
      if (samples >= 0 && n != samples) {
        throw new UserException("inputs have different numbers of samples: " + samples + " and " + n
            + " ('" + e.getKey() + "')");
      }
      samples = n;
    }
    if (samples % batch != 0 && isFixedBatch()) {
      throw new UserException("the model fixes the batch size to " + batch + " but the input has " + samples
          + " samples; give a multiple of " + batch);
    }
    Map<String, double[]> joined = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    List<String> outputs = graph.outputs();
    for (int start = 0; start < samples; start += batch) {
      int end = (int) Math.min(samples, start + (long) batch);
      Map<String, NdArray> chunk = new LinkedHashMap<>();
      for (Map.Entry<String, NdArray> e : inputs.entrySet()) {
        chunk.put(e.getKey(), start == 0 && end == samples ? e.getValue() : e.getValue().slice0(start, end));
      }
      Map<String, NdArray> result = engine.apply(chunk);
      for (String name : outputs) {
        NdArray r = result.get(name);
        if (r.rank() == 0 || r.dim(0) != end - start) {
          throw new IllegalStateException("output '" + name + "' has shape " + dev.tessera.ir.Shape.toString(
              r.shape()) + " for a batch of " + (end - start) + "; expected the batch on axis 0");
        }
        double[] all = joined.get(name);
        if (all == null) {
          long per = r.size() / (end - start);
          all = new double[Math.toIntExact(per * samples)];
          joined.put(name, all);
          long[] s = r.shape().clone();
          s[0] = samples;
          shapes.put(name, s);
        }
        System.arraycopy(r.data(), 0, all, Math.toIntExact((long) start * (r.size() / (end - start))), r.size());
      }
    }
    Map<String, NdArray> out = new LinkedHashMap<>();
    for (String name : outputs) {
      out.put(name, new NdArray(shapes.get(name), joined.get(name)));
    }
    return out;
  }

  private boolean isFixedBatch() {
    for (String in : graph.inputs()) {
      if (Samples.fixedBatch(graph, in) >= 0) {
        return true;
      }
    }
    return false;
  }
}
