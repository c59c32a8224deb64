package dev.tessera.backend.hls;

import dev.tessera.ir.Graph;
import dev.tessera.ir.Shape;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the bit-exact {@link FixedInterpreter} on raw input vectors and returns raw output vectors, port by port, in
 * the layout of the test bench: the reference the generated C++ must match. Vectors run in batches when every graph
 * input and output has a symbolic batch axis 0, one by one otherwise.
 */
public final class ReferenceOutputs {

  /** Vectors per interpreter call. */
  private static final int CHUNK = 256;

  private final Graph graph;
  private final FixedInterpreter interpreter;
  private final boolean batched;

  public ReferenceOutputs(Graph quantizedGraph) {
    this.graph = quantizedGraph;
    this.interpreter = new FixedInterpreter(quantizedGraph);
    boolean b = true;
    for (String t : concat(graph.inputs(), graph.outputs())) {
      Shape s = graph.type(t).shape();
      b &= s.rank() > 0 && s.dim(0).isSymbolic();
    }
    this.batched = b;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  /** The raw outputs of every vector ({@code [vector][output port][element]}). */
  public List<BigInteger[][]> run(List<BigInteger[][]> inputs) {
    List<BigInteger[][]> out = new ArrayList<>(inputs.size());
    int step = batched ? CHUNK : 1;
    for (int from = 0; from < inputs.size(); from += step) {
      int to = Math.min(inputs.size(), from + step);
      out.addAll(runChunk(inputs.subList(from, to)));
    }
    return out;
  }

  private List<BigInteger[][]> runChunk(List<BigInteger[][]> vectors) {
    int n = vectors.size();
    Map<String, FixedArray> in = new LinkedHashMap<>();
    for (int p = 0; p < graph.inputs().size(); p++) {
      String t = graph.inputs().get(p);
      long[] shape = graph.type(t).shape().sizes(1);
      int per = vectors.get(0)[p].length;
      if (batched) {
        shape[0] = n;
      }
      BigInteger[] raw = new BigInteger[per * n];
      for (int v = 0; v < n; v++) {
        System.arraycopy(vectors.get(v)[p], 0, raw, v * per, per);
      }
      in.put(t, new FixedArray(graph.type(t).fixed(), shape, raw));
    }
    Map<String, FixedArray> res = interpreter.runRaw(in);
    List<BigInteger[][]> out = new ArrayList<>(n);
    for (int v = 0; v < n; v++) {
      out.add(new BigInteger[graph.outputs().size()][]);
    }
    for (int p = 0; p < graph.outputs().size(); p++) {
      BigInteger[] raw = res.get(graph.outputs().get(p)).raw();
      int per = raw.length / n;
      for (int v = 0; v < n; v++) {
        BigInteger[] a = new BigInteger[per];
        System.arraycopy(raw, v * per, a, 0, per);
        out.get(v)[p] = a;
      }
    }
    return out;
  }
}
