package dev.tessera.cli;

import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.NdArray;

/**
 * Fits user data to a graph input: axis 0 is the batch, the rest is one sample, flattened or not. A text file's
 * [rows, columns] and a .npy file's [N, 4, 4] both fit an input of shape [N, 16] or [N, 4, 4] when the sample sizes
 * agree.
 */
final class Samples {
  private Samples() {
  }

  /** The shape of one sample of a graph input (its shape without axis 0); every dimension must be known. */
  static long[] sampleShape(Graph g, String input) {
    Shape s = g.type(input).shape();
    if (s.rank() == 0) {
      throw new UserException("input '" + input + "' is a scalar; predict needs a batch on axis 0");
    }
    Shape rest = s.dropFirst();
    for (Dim d : rest.dims()) {
      if (d.isSymbolic()) {
        throw new UserException("input '" + input + "' has shape " + s + "; only axis 0 (the batch) may be symbolic");
      }
    }
    return rest.sizes();
  }

  /** The fixed batch size of an input whose axis 0 is a number, or -1 when axis 0 is symbolic. */
  static long fixedBatch(Graph g, String input) {
    Dim d = g.type(input).shape().dim(0);
    return d.isSymbolic() ? -1 : d.size();
  }

  /** Reshapes data to [samples, sample shape...]; {@code source} names the file in messages. */
  static NdArray fit(Graph g, String input, NdArray data, String source) {
    long[] sample = sampleShape(g, input);
    long per = 1;
    for (long s : sample) {
      per *= s;
    }
    long rows;
    if (data.rank() == 0) {
      throw new UserException(source + " holds a single number; expected samples of shape " + Shape.toString(sample)
          + " with the batch on axis 0");
    }
    if (data.rank() == 1 && per != 1) {
      throw new UserException(source + " has shape " + Shape.toString(data.shape()) + "; input '" + input
          + "' expects [samples," + Shape.toString(sample).substring(1) + " (batch on axis 0)");
    }
    rows = data.shape()[0];
    long have = rows == 0 ? 0 : data.size() / rows;
    if (data.rank() > 1 && have != per) {
      throw new UserException(source + " has shape " + Shape.toString(data.shape()) + ": " + have
          + " values per sample, but input '" + input + "' expects " + per + " (sample shape "
          + Shape.toString(sample) + ")");
    }
    if (rows == 0) {
      throw new UserException(source + " holds no samples");
    }
    long[] shape = new long[sample.length + 1];
    shape[0] = rows;
    System.arraycopy(sample, 0, shape, 1, sample.length);
    return data.reshape(shape);
  }
}
