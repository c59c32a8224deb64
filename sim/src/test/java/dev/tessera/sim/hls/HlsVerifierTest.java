package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.HlsBackend;
import dev.tessera.backend.hls.HlsOptions;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.op.Op;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verifier itself: it finds a changed constant, refuses another graph, and runs given inputs. */
class HlsVerifierTest {

  @TempDir
  Path dir;

  @BeforeAll
  static void tools() {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  static Graph dense(long seed) {
    TinyGraphs t = new TinyGraphs("verify_me", seed).input("x", FixedType.signed(8, 3), 6);
    String w = t.constant("w", FixedType.signed(8, 2), 100, 6, 3);
    String y = t.node(new Op.Dense(FixedType.signed(24, 10)), List.of("x", w), FixedType.signed(24, 10), 3);
    return t.output(y);
  }

  @Test
  void reportsEveryDifferingOutputOfATamperedProject() throws IOException {
    Graph g = dense(1);
    Path prj = dir.resolve("prj");
    new HlsBackend().write(g, HlsOptions.defaults(), prj);
    Path w = prj.resolve("firmware/weights/n1_dense_w.h");
    String text = Files.readString(w);
    int start = text.indexOf("= {\n    ") + 8;
    int end = text.indexOf(',', start);
    long first = Long.parseLong(text.substring(start, end).trim());
    Files.writeString(w, text.substring(0, start) + (first + 1) + text.substring(end));
    HlsVerifier.Result r = HlsVerifier.verify(prj, g, HlsVerifier.Options.defaults().withVectors(50));
    assertFalse(r.passed());
    assertEquals(50, r.vectors());
    // weight [0][0] feeds output 0 only; it changes whenever x[0] != 0, by |x[0]| LSBs of the product
    assertTrue(r.mismatches() > 40 && r.mismatches() <= 50, r.summary());
    assertEquals(r.mismatches(), r.mismatchedVectors());
    assertTrue(r.maxLsbDiff().compareTo(BigInteger.valueOf(64)) >= 0, r.summary());
    assertTrue(r.examples().get(0).contains("element 0"), r.examples().get(0));
  }

  @Test
  void refusesAGraphTheProjectWasNotGeneratedFrom() throws IOException {
    Path prj = dir.resolve("prj");
    new HlsBackend().write(dense(1), HlsOptions.defaults(), prj);
    TesseraException e = assertThrows(TesseraException.class,
        () -> HlsVerifier.verify(prj, dense(2), HlsVerifier.Options.defaults()));
    assertTrue(e.getMessage().contains("generated from another graph"), e.getMessage());
    assertTrue(HlsVerifier.isHlsProject(prj));
    assertFalse(HlsVerifier.isHlsProject(dir));
  }

  @Test
  void runsQuantizedFloatInputs() throws IOException {
    Graph g = dense(3);
    Path prj = dir.resolve("prj");
    new HlsBackend().write(g, HlsOptions.defaults(), prj);
    double[] x = new double[4 * 6];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 12) * 0.15;
    }
    List<BigInteger[][]> in = HlsVerifier.quantizeInputs(g, Map.of("x", new NdArray(new long[] {4, 6}, x)));
    assertEquals(4, in.size());
    assertEquals(BigInteger.valueOf(-58), in.get(0)[0][0], "-1.8 in fixed<8,3> (TRN) is raw floor(-57.6) = -58");
    HlsVerifier.Result r = HlsVerifier.verify(prj, g, HlsVerifier.Options.defaults().withInputs(in));
    assertTrue(r.passed(), r.summary());
    assertEquals(4, r.vectors());
  }
}
