package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.backend.hls.RawVectors;
import dev.tessera.backend.hls.Strategy;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.Op;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.ir.op.TableSpec;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny graph per kernel, generated as an HLS project, compiled with g++ and compared bit for bit with the
 * fixed-point interpreter on 200 random vectors: every kernel must give 0 mismatches.
 */
class HlsKernelsTest {

  static final FixedType X16 = FixedType.signed(16, 6);
  static final FixedType X8 = FixedType.signed(8, 3);
  static final FixedType W8 = FixedType.signed(8, 2);
  static final FixedType B12 = FixedType.signed(12, 4);
  static final FixedType SAT16 = new FixedType(true, 16, 6, Rounding.RND_CONV, Overflow.SAT);
  static final FixedType SAT10 = new FixedType(true, 10, 3, Rounding.RND, Overflow.SAT);
  static final int VECTORS = 200;

  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  private HlsVerifier.Result verify(Graph g, HlsOptions opts) throws IOException {
    // -Dtessera.hls.keep=/some/folder keeps the generated projects for inspection
    String keep = System.getProperty("tessera.hls.keep");
    Path out = (keep != null ? Path.of(keep) : dir).resolve(g.name());
    new HlsBackend().write(g, opts, out);
    HlsVerifier.Result r = HlsVerifier.verify(out, g, HlsVerifier.Options.defaults().withInputs(inputs(g)));
    System.out.println("HlsKernelsTest " + g.name() + ": " + r.summary());
    assertEquals(VECTORS, r.vectors());
    assertTrue(r.passed(), g.name() + ": " + r.summary() + "\n" + String.join("\n", r.examples()));
    return r;
  }

  /**
   * Random raw inputs: every other vector uniform over the whole type (mostly large values that saturate), the
   * others uniform over a quarter of its bits (values where rounding and accumulation order show).
   */
  static List<BigInteger[][]> inputs(Graph g) {
    Random rng = new Random(42);
    List<BigInteger[][]> out = new ArrayList<>();
    for (int v = 0; v < VECTORS; v++) {
      BigInteger[][] ports = new BigInteger[g.inputs().size()][];
      for (int p = 0; p < ports.length; p++) {
        String in = g.inputs().get(p);
        FixedType t = g.type(in).fixed();
        ports[p] = new BigInteger[(int) Tensor.count(g.type(in).shape().sizes(1))];
        for (int i = 0; i < ports[p].length; i++) {
          BigInteger r = RawVectors.random(t, rng);
          ports[p][i] = v % 2 == 0 ? r : r.shiftRight(t.width() - Math.max(2, t.width() / 4));
        }
      }
      out.add(ports);
    }
    return out;
  }

  private HlsVerifier.Result verify(Graph g) throws IOException {
    return verify(g, HlsOptions.defaults());
  }

  private static Graph dense(String name, FixedType accum) {
    TinyGraphs t = new TinyGraphs(name, 3).input("x", X16, 16);
    String w = t.constant("w", W8, 127, 16, 8);
    String b = t.constant("b", B12, 2047, 8);
    String y = t.node(new Op.Dense(accum), List.of("x", w, b), SAT10, 8);
    return t.output(y);
  }

  @Test
  void denseLatencyWideAccumulator() throws IOException {
    verify(dense("dense_wide", FixedType.signed(40, 16)));
  }

  @Test
  void denseNarrowAccumulatorFollowsTheDefinedOrder() throws IOException {
    // the accumulator saturates and rounds, so the order of the additions is visible in the result
    verify(dense("dense_narrow", new FixedType(true, 12, 5, Rounding.RND_CONV, Overflow.SAT)));
  }

  @Test
  void denseResourceStrategyWithReuse() throws IOException {
    Graph g = dense("dense_resource", new FixedType(true, 12, 5, Rounding.RND_CONV, Overflow.SAT));
    verify(g, HlsOptions.defaults().withStrategy(Strategy.RESOURCE).withReuseFactor(4));
  }

  @Test
  void denseWithoutAccumulatorOrBiasOverRows() throws IOException {
    TinyGraphs t = new TinyGraphs("dense_rows", 4).input("x", X8, 3, 5);
    String w = t.constant("w", W8, 127, 5, 4);
    String y = t.node(new Op.Dense(null), List.of("x", w), X16, 3, 4);
    verify(t.output(y));
  }

  @Test
  void conv1dWithStridePaddingAndBias() throws IOException {
    TinyGraphs t = new TinyGraphs("conv1d", 5).input("x", X8, 3, 10);
    String w = t.constant("w", W8, 100, 4, 3, 3);
    String b = t.constant("b", B12, 500, 4);
    String y = t.node(new Op.Conv(new long[] {3}, new long[] {2}, new long[] {1}, new long[] {1}, new long[] {1}, 1,
        FixedType.signed(24, 10)), List.of("x", w, b), SAT16, 4, 5);
    verify(t.output(y));
  }

  @Test
  void conv2dWithGroupsDilationAndNarrowAccumulator() throws IOException {
    TinyGraphs t = new TinyGraphs("conv2d", 6).input("x", X8, 2, 6, 6);
    String w = t.constant("w", W8, 127, 4, 1, 3, 3);
    String y = t.node(new Op.Conv(new long[] {3, 3}, new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1},
        new long[] {2, 2}, 2, new FixedType(true, 13, 6, Rounding.RND, Overflow.SAT)), List.of("x", w), SAT10, 4, 4,
        4);
    verify(t.output(y));
  }

  @Test
  void poolsMaxAverageAndGlobal() throws IOException {
    TinyGraphs t = new TinyGraphs("pools", 7).input("x", X8, 2, 5, 5);
    String mp = t.node(new Op.MaxPool(new long[] {2, 2}, new long[] {2, 2}, new long[] {0, 0}, new long[] {1, 1},
        new long[] {1, 1}), List.of("x"), X8, 2, 3, 3);
    String ap = t.node(new Op.AveragePool(new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1},
        new long[] {1, 1}, false), List.of("x"), SAT10, 2, 3, 3);
    String api = t.node(new Op.AveragePool(new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1},
        new long[] {1, 1}, true), List.of("x"), SAT10, 2, 3, 3);
    String gm = t.node(new Op.GlobalMaxPool(), List.of("x"), X8, 2, 1, 1);
    String ga = t.node(new Op.GlobalAveragePool(), List.of("x"), SAT16, 2, 1, 1);
    verify(t.output(mp, ap, api, gm, ga));
  }

  @Test
  void pools1d() throws IOException {
    TinyGraphs t = new TinyGraphs("pools1d", 8).input("x", X8, 3, 9);
    String mp = t.node(new Op.MaxPool(new long[] {3}, new long[] {2}, new long[] {1}, new long[] {1},
        new long[] {1}), List.of("x"), X8, 3, 5);
    String ap = t.node(new Op.AveragePool(new long[] {2}, new long[] {1}, new long[] {0}, new long[] {0}, false),
        List.of("x"), SAT10, 3, 8);
    verify(t.output(mp, ap));
  }

  @Test
  void activations() throws IOException {
    TinyGraphs t = new TinyGraphs("activations", 9).input("x", X16, 12);
    FixedType ty = new FixedType(true, 12, 4, Rounding.RND_CONV, Overflow.SAT);
    String relu = t.node(new Op.Relu(), List.of("x"), SAT10, 12);
    String leaky = t.node(new Op.LeakyRelu(0.1, null), List.of("x"), ty, 12);
    String clip = t.node(new Op.Clip(-1.3, 6.0), List.of("x"), X8, 12);
    String hs = t.node(new Op.HardSigmoid(0.2, 0.5, FixedType.signed(10, 2)), List.of("x"), ty, 12);
    String sig = t.node(new Op.Sigmoid(null), List.of("x"), ty, 12);
    String tanh = t.node(new Op.Tanh(new TableSpec(256, -4.0, 3, FixedConstants.TABLE_TYPE)), List.of("x"), ty, 12);
    String exp = t.node(new Op.Exp(null), List.of(relu), FixedType.signed(24, 14), 12);
    String elu = t.node(new Op.Elu(1.0, null, null), List.of("x"), ty, 12);
    String selu = t.node(new Op.Selu(1.67326, 1.0507, null, Tables.eluSpec(512, FixedType.signed(14, 4))),
        List.of("x"), ty, 12);
    verify(t.output(relu, leaky, clip, hs, sig, tanh, exp, elu, selu));
  }

  @Test
  void softmaxModes() throws IOException {
    TinyGraphs t = new TinyGraphs("softmax", 10).input("x", X8, 2, 5);
    FixedType ty = new FixedType(false, 16, 1, Rounding.RND_CONV, Overflow.SAT);
    String stable = t.node(new Op.Softmax(2, SoftmaxMode.STABLE, null, null), List.of("x"), ty, 2, 5);
    String lat = t.node(new Op.Softmax(2, SoftmaxMode.LATENCY, null, null), List.of("x"), ty, 2, 5);
    String arg = t.node(new Op.Softmax(1, SoftmaxMode.ARGMAX, null, null), List.of("x"), ty, 2, 5);
    verify(t.output(stable, lat, arg));
  }

  @Test
  void batchNormScaleAndShift() throws IOException {
    TinyGraphs t = new TinyGraphs("batchnorm", 11).input("x", X8, 3, 4);
    FixedType c = FixedType.signed(16, 6);
    String gamma = t.constant("gamma", c, 3000, 3);
    String beta = t.constant("beta", c, 3000, 3);
    String mean = t.constant("mean", c, 3000, 3);
    String var = t.constant("var", FixedType.unsigned(16, 6), 3000, 3);
    String y = t.node(new Op.BatchNorm(1e-3), List.of("x", gamma, beta, mean, var), SAT16, 3, 4);
    verify(t.output(y));
  }

  @Test
  void elementwiseAndDataMovement() throws IOException {
    TinyGraphs t = new TinyGraphs("moves", 12).input("x", X8, 2, 3).input("z", FixedType.signed(10, 4), 1, 3);
    String k = t.constant("k", W8, 100, 2, 1);
    String add = t.node(new Op.Binary(Op.BinaryKind.ADD), List.of("x", "z"), FixedType.signed(12, 5), 2, 3);
    String mul = t.node(new Op.Binary(Op.BinaryKind.MUL), List.of(add, k), SAT10, 2, 3);
    String sub = t.node(new Op.Binary(Op.BinaryKind.SUB), List.of("z", "x"), X8, 2, 3);
    String tr = t.node(new Op.Transpose(new int[] {0, 2, 1}), List.of(mul), SAT10, 3, 2);
    String cat = t.node(new Op.Concat(1), List.of(tr, tr), SAT16, 6, 2);
    String sl = t.node(new Op.Slice(new long[] {1}, new long[] {6}, new int[] {1}, new long[] {2}), List.of(cat),
        SAT16, 3, 2);
    String pad = t.node(new Op.Pad(new long[] {0, 1, 0}, new long[] {0, 0, 2}, Op.PadMode.CONSTANT, 0.0),
        List.of(sl), SAT16, 4, 4);
    String gat = t.node(new Op.Gather(2, new long[] {3, 0, 3}, new long[] {3}), List.of(pad), SAT16, 4, 3);
    String rs = t.node(new Op.Reshape(), List.of(gat), X8, 12);
    String mm = t.node(new Op.MatMul(), List.of(sub, tr), FixedType.signed(20, 10), 2, 2);
    verify(t.output(rs, mm));
  }
}
