package dev.tessera.passes.prune;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;

/** Accuracy and agreement of a float graph's class predictions (argmax over the last axis of its first output). */
public final class Evaluation {

  private Evaluation() {}

  /**
   * How a graph does on a data set.
   *
   * @param samples number of samples
   * @param accuracy fraction of predictions equal to the labels (null without labels)
   * @param agreement fraction of predictions equal to the unpruned model's
   */
  public record Score(int samples, Double accuracy, double agreement) {}

  /** The predicted class of every row of the first output. */
  public static int[] predictions(Graph g, PruneData data, int batch) {
    FloatInterpreter interp = new FloatInterpreter(g);
    int n = data.size();
    String out = g.outputs().get(0);
    java.util.List<int[]> parts = new java.util.ArrayList<>();
    int total = 0;
    for (int from = 0; from < n; from += batch) {
      NdArray y = interp.run(FisherGradients.slice(data.inputs(), from, Math.min(n, from + batch))).get(out);
      int classes = Math.toIntExact(y.dim(-1));
      int[] pred = new int[y.size() / classes];
      double[] v = y.data();
      for (int r = 0; r < pred.length; r++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (v[r * classes + c] > v[r * classes + best]) {
            best = c;
          }
        }
        pred[r] = best;
      }
      parts.add(pred);
      total += pred.length;
    }
    int[] all = new int[total];
    int at = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /** Accuracy (when the data has labels, one per prediction) and agreement with {@code reference} predictions. */
  public static Score score(Graph g, PruneData data, int[] reference, int batch) {
    int[] p = predictions(g, data, batch);
    Double acc = null;
    if (data.labels() != null && data.labels().length == p.length) {
      acc = fraction(p, data.labels());
    }
    return new Score(data.size(), acc, fraction(p, reference));
  }

  static double fraction(int[] a, int[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(a.length + " predictions but " + b.length + " references");
    }
    int same = 0;
    for (int i = 0; i < a.length; i++) {
      same += a[i] == b[i] ? 1 : 0;
    }
    return a.length == 0 ? 0 : (double) same / a.length;
  }
}
