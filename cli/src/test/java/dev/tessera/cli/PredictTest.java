package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.FixedArray;
import dev.tessera.ir.interp.FixedInterpreter;
import dev.tessera.ir.interp.FloatInterpreter;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.Npy;
import dev.tessera.ir.io.NpyDType;
import dev.tessera.ir.io.TextMatrix;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.PrecisionConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tessera predict} against the interpreters called directly. */
class PredictTest {
  @TempDir
  Path dir;

  private static NdArray jetInputs() throws IOException {
    return Npy.read(Cli.jetInputs());
  }

  private static double[] floatReference(Path model, NdArray x) {
    Graph g = OnnxImporter.load(model);
    return new FloatInterpreter(g).run(Map.of(g.inputs().get(0), x)).get(g.outputs().get(0)).data();
  }

  private static double[] fixedReference(Path model, NdArray x, String precision) {
    Graph g = StandardPipelines.forHardware(PrecisionConfig.uniform(FixedType.parse(precision)))
        .run(OnnxImporter.load(model), PassContext.create());
    FixedArray y = new FixedInterpreter(g).run(Map.of(g.inputs().get(0), x)).get(g.outputs().get(0));
    return y.toNdArray().data();
  }

  private static double[] asFloat32(double[] d) {
    double[] f = new double[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void floatPredictionEqualsTheFloatInterpreter() throws IOException {
    Path y = dir.resolve("y.npy");
    Cli.Result r = Cli.run("predict", Cli.jetTagger().toString(), "--input", Cli.jetInputs().toString(),
        "--output", y.toString()).assertOk();
    assertTrue(r.out().startsWith("predict: 1000 samples, float, wrote "), r.out());
    NdArray got = Npy.read(y);
    assertArrayEquals(new long[] {1000, 5}, got.shape());
    assertEquals(NpyDType.FLOAT32, Npy.readHeader(y).dtype());
    double[] ref = floatReference(Cli.jetTagger(), jetInputs());
    assertArrayEquals(asFloat32(ref), got.data());
    // softmax rows sum to one
    for (int i = 0; i < 1000; i++) {
      double s = 0;
      for (int j = 0; j < 5; j++) {
        s += got.data()[i * 5 + j];
      }
      assertEquals(1.0, s, 1e-5);
    }
    assertEquals(List.of("y.npy"), Cli.listing(dir));
  }

  @Test
  void float64OutputIsExactAndBatchSizeDoesNotMatter() throws IOException {
    Path y = dir.resolve("y.npy");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", y.toString(),
        "--dtype", "float64", "--batch", "7").assertOk();
    assertEquals(NpyDType.FLOAT64, Npy.readHeader(y).dtype());
    assertArrayEquals(floatReference(Cli.jetTagger(), jetInputs()), Npy.read(y).data());
  }

  @Test
  void fixedPredictionEqualsTheFixedInterpreterBitForBit() throws IOException {
    Path y = dir.resolve("y.npy");
    Cli.Result r = Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o",
        y.toString(), "--fixed", "--dtype", "float64").assertOk();
    assertTrue(r.out().contains("fixed point (fixed<16,6>)"), r.out());
    double[] got = Npy.read(y).data();
    assertArrayEquals(fixedReference(Cli.jetTagger(), jetInputs(), "fixed<16,6>"), got);
    // close to float, but not equal to it: the fixed path really ran
    double[] ref = floatReference(Cli.jetTagger(), jetInputs());
    double maxDiff = 0;
    int sameClass = 0;
    for (int i = 0; i < 1000; i++) {
      for (int j = 0; j < 5; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i * 5 + j] - ref[i * 5 + j]));
      }
      sameClass += argmax(got, i) == argmax(ref, i) ? 1 : 0;
    }
    assertNotEquals(0.0, maxDiff);
    assertTrue(maxDiff < 0.1, "max |fixed - float| = " + maxDiff);
    assertTrue(sameClass >= 950, "fixed and float agree on the class of " + sameClass + " of 1000 jets");
  }

  @Test
  void precisionOptionImpliesFixedAndChangesTheResult() throws IOException {
    Path y8 = dir.resolve("y8.npy");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", y8.toString(),
        "--precision", "fixed<10,4,RND,SAT>", "--dtype", "float64").assertOk();
    double[] got = Npy.read(y8).data();
    assertArrayEquals(fixedReference(Cli.jetTagger(), jetInputs(), "fixed<10,4,RND,SAT>"), got);
    assertNotEquals(List.of(fixedReference(Cli.jetTagger(), jetInputs(), "fixed<16,6>")), List.of(got));
  }

  @Test
  void configFileGivesTheSameResultAsTheSamePrecisionOption() throws IOException {
    Path cfg = Files.writeString(dir.resolve("cfg.yaml"), "Model:\n  Precision: 'fixed<10,4,RND,SAT>'\n");
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", a.toString(),
        "--config", cfg.toString(), "--dtype", "float64").assertOk();
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", b.toString(),
        "--precision", "fixed<10,4,RND,SAT>", "--dtype", "float64").assertOk();
    assertArrayEquals(Npy.read(b).data(), Npy.read(a).data());
    // --precision replaces the config's default
    Path c = dir.resolve("c.npy");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", Cli.jetInputs().toString(), "-o", c.toString(),
        "--config", cfg.toString(), "--precision", "fixed<16,6>", "--dtype", "float64").assertOk();
    assertArrayEquals(fixedReference(Cli.jetTagger(), jetInputs(), "fixed<16,6>"), Npy.read(c).data());
  }

  @Test
  void textFormatsInAndOut() throws IOException {
    NdArray x = jetInputs().slice0(0, 20);
    Path csv = dir.resolve("x.csv");
    TextMatrix.CSV.write(csv, x, false);
    Path dat = dir.resolve("x.dat");
    TextMatrix.WHITESPACE.write(dat, x, false);
    Path y1 = dir.resolve("y1.csv");
    Path y2 = dir.resolve("y2.dat");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", csv.toString(), "-o", y1.toString()).assertOk();
    Cli.run("predict", Cli.jetTagger().toString(), "-i", dat.toString(), "-o", y2.toString()).assertOk();
    double[] ref = asFloat32(floatReference(Cli.jetTagger(), x));
    // the text holds the shortest decimals of the float32 values: they read back to the same floats
    assertArrayEquals(ref, asFloat32(TextMatrix.CSV.read(y1).data()));
    assertArrayEquals(ref, asFloat32(TextMatrix.WHITESPACE.read(y2).data()));
    assertEquals(20, Files.readAllLines(y1).size());
  }

  @Test
  void readsBigEndianFortranOrderFloat64Inputs() throws IOException {
    NdArray x = jetInputs().slice0(0, 10);
    // write [10, 16] as '>f8' in Fortran order by hand, following the .npy format description
    String header = "{'descr': '>f8', 'fortran_order': True, 'shape': (10, 16), }";
    int total = (10 + header.length() + 1 + 63) / 64 * 64;
    ByteBuffer b = ByteBuffer.allocate(total + 160 * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (total - 10));
    b.put(header.getBytes(StandardCharsets.US_ASCII));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n').order(ByteOrder.BIG_ENDIAN);
    for (int c = 0; c < 16; c++) {
      for (int r = 0; r < 10; r++) {
        b.putDouble(x.data()[r * 16 + c]);
      }
    }
    Path in = dir.resolve("x_be_f.npy");
    Files.write(in, b.array());
    Path y = dir.resolve("y.npy");
    Cli.run("predict", Cli.jetTagger().toString(), "-i", in.toString(), "-o", y.toString()).assertOk();
    assertArrayEquals(asFloat32(floatReference(Cli.jetTagger(), x)), Npy.read(y).data());
  }

  @Test
  void secondOutputGoesToASiblingFile() throws IOException {
    Path model = Cli.twoOutputs(dir);
    NdArray x = new NdArray(new long[] {3, 4}, new double[] {1, 2, 3, 4, -1, 0.5, 0, 2, 0, 0, 0, 0});
    Path in = dir.resolve("x.npy");
    Npy.write(in, x, NpyDType.FLOAT32);
    Path y = dir.resolve("y.npy");
    Cli.Result r = Cli.run("predict", model.toString(), "-i", in.toString(), "-o", y.toString()).assertOk();
    assertTrue(r.out().contains("y.npy") && r.out().contains("y.logits.npy"), r.out());
    double[] logits = new double[9];
    double[][] w = {{0.5, -1.0, 0.25}, {1.5, 0.75, -0.5}, {-0.25, 0.5, 1.0}, {1.0, -0.5, 0.125}};
    double[] bias = {0.125, -0.25, 0.5};
    for (int s = 0; s < 3; s++) {
      for (int j = 0; j < 3; j++) {
        double v = bias[j];
        for (int i = 0; i < 4; i++) {
          v += x.data()[s * 4 + i] * w[i][j];
        }
        logits[s * 3 + j] = v;
      }
    }
    double[] probs = logits.clone();
    for (int i = 0; i < probs.length; i++) {
      probs[i] = Math.max(0, probs[i]);
    }
    assertArrayEquals(probs, Npy.read(y).data());
    assertArrayEquals(logits, Npy.read(dir.resolve("y.logits.npy")).data());
    // the input may be named: --input x=FILE
    Path named = dir.resolve("named.npy");
    Cli.run("predict", model.toString(), "-i", "x=" + in, "-o", named.toString()).assertOk();
    assertArrayEquals(probs, Npy.read(named).data());
    Files.delete(named);
    Files.delete(dir.resolve("named.logits.npy"));
    Cli.run("predict", model.toString(), "-i", in.toString(), "-o", dir.resolve("z.csv").toString(), "--fixed")
        .assertOk();
    assertEquals(List.of("two_outputs.onnx", "x.npy", "y.logits.npy", "y.npy", "z.csv", "z.logits.csv"),
        Cli.listing(dir));
  }

  @Test
  void outputFileNames() {
    assertEquals(Path.of("a/y.logits.npy"), PredictCommand.sibling(Path.of("a/y.npy"), "logits"));
    assertEquals(Path.of("y.out_1_0.csv"), PredictCommand.sibling(Path.of("y.csv"), "out:1/0"));
    assertEquals(Path.of("y.o"), PredictCommand.sibling(Path.of("y"), "o"));
  }

  @Test
  void threeLayerKerasPredicts() throws IOException {
    Path model = Cli.sharedModel("fastmachinelearning_example-models/onnx/three_layer_keras.onnx");
    Path y = dir.resolve("y.npy");
    Cli.run("predict", model.toString(), "-i", Cli.jetInputs().toString(), "-o", y.toString(), "--dtype",
        "float64").assertOk();
    assertArrayEquals(floatReference(model, jetInputs()), Npy.read(y).data());
    Cli.run("predict", model.toString(), "-i", Cli.jetInputs().toString(), "-o", y.toString(), "--fixed",
        "--dtype", "float64").assertOk();
    assertArrayEquals(fixedReference(model, jetInputs(), "fixed<16,6>"), Npy.read(y).data());
  }

  private static int argmax(double[] d, int row) {
    int best = 0;
    for (int j = 1; j < 5; j++) {
      if (d[row * 5 + j] > d[row * 5 + best]) {
        best = j;
      }
    }
    return best;
  }
}
