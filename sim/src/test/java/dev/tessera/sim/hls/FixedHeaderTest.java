package dev.tessera.sim.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.backend.hls.KernelLibrary;
import dev.tessera.ir.FixedType;
import dev.tessera.ir.Overflow;
import dev.tessera.ir.Rounding;
import dev.tessera.sim.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests tessera_fixed.h directly against the IR's {@link FixedType} quantization: every rounding and overflow mode,
 * at the edges (negative values, exact ties, the most negative value, width 1, widths above 64 and 128), for
 * conversions between ap types, from double, the full-precision operators, comparisons and shifts.
 */
class FixedHeaderTest {

  private static final Random RNG = new Random(20240611L);

  @TempDir
  static Path dir;

  private final StringBuilder code = new StringBuilder();
  private final List<String> input = new ArrayList<>();
  private final List<String> expected = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();

  @BeforeAll
  static void tools() {
    Optional<String> skip = Tools.skipReason("g++");
    Assumptions.assumeTrue(skip.isEmpty(), skip.orElse(""));
  }

  /** Shapes (signed, width, integer bits) that get every rounding x overflow combination. */
  private static final int[][] FULL_SHAPES = {{1, 1, 1}, {0, 1, 0}, {1, 5, 2}, {0, 5, 2}};
  /** Shapes that get every rounding mode (with SAT) and every overflow mode (with RND_CONV). */
  private static final int[][] EACH_MODE_SHAPES = {{1, 7, -2}, {1, 70, 20}, {0, 66, 3}, {1, 130, 60}};
  /** Shapes tested with a few mode combinations. */
  private static final int[][] MORE_SHAPES = {
      {0, 4, -2}, {1, 6, 9}, {1, 64, 32}, {0, 64, 64}, {1, 128, 1}, {1, 200, 100}, {1, 16, 6}, {1, 8, 3}};

  @Test
  void conversionsFromApTypesAndDoublesMatchFixedType() throws IOException {
    List<FixedType> dests = new ArrayList<>();
    for (int[] s : FULL_SHAPES) {
      for (Rounding r : Rounding.values()) {
        for (Overflow o : Overflow.values()) {
          dests.add(new FixedType(s[0] == 1, s[1], s[2], r, o));
        }
      }
    }
    for (int[] s : EACH_MODE_SHAPES) {
      for (Rounding r : Rounding.values()) {
        dests.add(new FixedType(s[0] == 1, s[1], s[2], r, Overflow.SAT));
      }
      for (Overflow o : Overflow.values()) {
        dests.add(new FixedType(s[0] == 1, s[1], s[2], Rounding.RND_CONV, o));
      }
    }
    for (int[] s : MORE_SHAPES) {
      dests.add(new FixedType(s[0] == 1, s[1], s[2], Rounding.TRN, Overflow.WRAP));
      dests.add(new FixedType(s[0] == 1, s[1], s[2], Rounding.RND_CONV, Overflow.SAT));
      dests.add(new FixedType(s[0] == 1, s[1], s[2], Rounding.RND_INF, Overflow.SAT_SYM));
      dests.add(new FixedType(s[0] == 1, s[1], s[2], Rounding.TRN_ZERO, Overflow.SAT_ZERO));
    }
    int i = 0;
    for (FixedType t : dests) {
      boolean altSign = (i++ % 2) == 0;
      // finer and wider: drops 4 bits, 2 more integer bits (rounding, ties, overflow)
      conversion(new FixedType(altSign || t.signed(), t.width() + 6, t.integerBits() + 2, Rounding.TRN,
          Overflow.WRAP), t);
      // coarser: a left shift by 3 and overflow
      conversion(new FixedType(!altSign, t.width() + 1, t.integerBits() + 4, Rounding.TRN, Overflow.WRAP), t);
      if (i % 3 == 0) {
        // far finer: every source value is below half an LSB of the destination
        conversion(new FixedType(true, 20, t.integerBits() - t.width() - 150 + 20, Rounding.TRN, Overflow.WRAP), t);
        // far coarser: every nonzero source value overflows
        conversion(new FixedType(true, 8, t.integerBits() + 160, Rounding.TRN, Overflow.WRAP), t);
      }
      fromDouble(t);
    }
    runAndCompare("conv");
  }

  @Test
  void operatorsAreFullPrecisionAndExact() throws IOException {
    FixedType[][] pairs = {
        {FixedType.signed(16, 6), FixedType.signed(16, 6)},
        {FixedType.signed(8, 3), FixedType.unsigned(8, 3)},
        {FixedType.unsigned(8, 8), FixedType.signed(8, 8)},
        {FixedType.unsigned(5, 2), FixedType.unsigned(7, -1)},
        {FixedType.signed(1, 1), FixedType.signed(1, 0)},
        {FixedType.signed(40, 10), FixedType.signed(30, 25)},
        {FixedType.signed(64, 32), FixedType.unsigned(64, 10)},
        {FixedType.signed(70, 20), FixedType.signed(66, -3)},
        {FixedType.signed(130, 60), FixedType.signed(100, 90)},
        {FixedType.unsigned(128, 0), FixedType.signed(16, 16)},
        {FixedType.signed(200, 100), FixedType.signed(200, 40)},
        {FixedType.signed(6, 9), FixedType.signed(5, -4)},
    };
    FixedType[] results = {
        new FixedType(true, 24, 10, Rounding.RND_CONV, Overflow.SAT),
        new FixedType(true, 12, 4, Rounding.TRN, Overflow.WRAP),
        new FixedType(false, 10, 6, Rounding.RND, Overflow.SAT_SYM),
        new FixedType(true, 90, 40, Rounding.RND_ZERO, Overflow.WRAP),
        new FixedType(true, 300, 150, Rounding.TRN, Overflow.SAT),
    };
    for (FixedType[] p : pairs) {
      for (FixedType t : results) {
        arithmetic(p[0], p[1], t);
      }
    }
    for (FixedType[] p : pairs) {
      misc(p[0]);
      misc(p[1]);
    }
    runAndCompare("ops");
  }

  // ---- case generators ----

  private void conversion(FixedType s, FixedType t) {
    if (s.width() < 1) {
      return;
    }
    List<BigInteger> raws = sourceRaws(s, t);
    String fn = "conv<" + s.cppName() + ", " + s.width() + ", " + t.cppName() + ", " + t.width() + ", "
        + t.signed() + ">";
    code.append("  ").append(fn).append("(in, out, ").append(raws.size()).append(");\n");
    for (BigInteger r : raws) {
      input.add(r.toString());
      expected.add(t.quantize(r, s.fractionBits()).toString());
      labels.add(s + " raw " + r + " -> " + t);
    }
  }

  private List<BigInteger> sourceRaws(FixedType s, FixedType t) {
    Set<BigInteger> v = new LinkedHashSet<>();
    BigInteger one = BigInteger.ONE;
    v.add(s.minRaw());
    v.add(s.maxRaw());
    v.add(s.minRaw().add(one));
    v.add(s.maxRaw().subtract(one));
    v.add(BigInteger.ZERO);
    v.add(one);
    v.add(one.negate());
    int drop = s.fractionBits() - t.fractionBits();
    if (drop > 0 && drop < 64) {
      BigInteger unit = one.shiftLeft(drop);
      BigInteger half = one.shiftLeft(drop - 1);
      List<BigInteger> highs = new ArrayList<>(List.of(BigInteger.ZERO, one, one.negate(), BigInteger.TWO,
          BigInteger.valueOf(-2), BigInteger.valueOf(3), BigInteger.valueOf(-3), t.minRaw(), t.maxRaw(),
          t.maxRaw().add(one), t.minRaw().subtract(one), t.maxRaw().negate()));
      for (BigInteger h : highs) {
        for (BigInteger lowPart : List.of(BigInteger.ZERO, half.subtract(one), half, half.add(one),
            unit.subtract(one))) {
          v.add(h.multiply(unit).add(lowPart));
        }
      }
    }
    for (int k = 0; k < 24; k++) {
      v.add(randomRaw(s));
    }
    List<BigInteger> out = new ArrayList<>();
    for (BigInteger r : v) {
      if (r.compareTo(s.minRaw()) >= 0 && r.compareTo(s.maxRaw()) <= 0) {
        out.add(r);
      }
    }
    return out;
  }

  private static BigInteger randomRaw(FixedType s) {
    BigInteger span = s.maxRaw().subtract(s.minRaw()).add(BigInteger.ONE);
    BigInteger r;
    do {
      r = new BigInteger(span.bitLength(), RNG);
    } while (r.compareTo(span) >= 0);
    // half of the draws are small magnitudes, where the rounding decisions are
    if (RNG.nextBoolean() && s.width() > 6) {
      r = r.mod(BigInteger.valueOf(64));
      return s.signed() ? r.subtract(BigInteger.valueOf(32)) : r;
    }
    return r.add(s.minRaw());
  }

  private void fromDouble(FixedType t) {
    Set<Double> v = new LinkedHashSet<>();
    int f = t.fractionBits();
    double lsb = Math.scalb(1.0, -f);
    for (double k : new double[] {0, 1, -1, 2, -2, 3, -3, 6, -6}) {
      for (double frac : new double[] {0, 0.25, 0.5, 0.75, -0.25, -0.5, -0.75}) {
        v.add((k + frac) * lsb);
      }
    }
    for (double edge : new double[] {t.minValue(), t.maxValue(), -t.maxValue()}) {
      for (double frac : new double[] {0, 0.5, -0.5, 1, -1, 1.5, -1.5}) {
        v.add(edge + frac * lsb);
      }
      v.add(edge * 2);
      v.add(edge * 4 + lsb / 2);
    }
    for (double big : new double[] {1e300, -1e300, 1e-300, -1e-300, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, 0.3, -0.3, 0.1, 2.5, -2.5, 3.5, 100}) {
      v.add(big);
    }
    for (int k = 0; k < 24; k++) {
      v.add(RNG.nextGaussian() * Math.max(t.maxValue(), lsb) * 1.5);
    }
    String fn = "dbl<" + t.cppName() + ", " + t.width() + ", " + t.signed() + ">";
    code.append("  ").append(fn).append("(in, out, ").append(v.size()).append(");\n");
    for (double d : v) {
      input.add(Double.toHexString(d));
      expected.add(t.fromDouble(d).toString());
      labels.add("double " + d + " (" + Double.toHexString(d) + ") -> " + t);
    }
  }

  private void arithmetic(FixedType a, FixedType b, FixedType t) {
    int n = 24;
    List<BigInteger> as = new ArrayList<>(List.of(a.minRaw(), a.maxRaw(), BigInteger.ZERO));
    List<BigInteger> bs = new ArrayList<>(List.of(b.maxRaw(), b.minRaw(), b.minRaw()));
    while (as.size() < n) {
      as.add(randomRaw(a));
      bs.add(randomRaw(b));
    }
    String fn = "arith<" + a.cppName() + ", " + a.width() + ", " + b.cppName() + ", " + b.width() + ", "
        + t.cppName() + ", " + t.width() + ", " + t.signed() + ">";
    code.append("  ").append(fn).append("(in, out, ").append(n).append(");\n");
    int fa = a.fractionBits();
    int fb = b.fractionBits();
    int f = Math.max(fa, fb);
    for (int k = 0; k < n; k++) {
      BigInteger ra = as.get(k);
      BigInteger rb = bs.get(k);
      input.add(ra.toString());
      input.add(rb.toString());
      BigInteger xa = ra.shiftLeft(f - fa);
      BigInteger xb = rb.shiftLeft(f - fb);
      String what = a + " " + ra + " op " + b + " " + rb + " -> " + t + ": ";
      add(what + "sum", t.quantize(xa.add(xb), f).toString());
      add(what + "difference", t.quantize(xa.subtract(xb), f).toString());
      add(what + "product", t.quantize(ra.multiply(rb), fa + fb).toString());
      add(what + "negation", t.quantize(ra.negate(), fa).toString());
      int c = xa.compareTo(xb);
      add(what + "a<b a==b a<=b a>b a>=b a!=b", (c < 0 ? "1" : "0") + (c == 0 ? "1" : "0") + (c <= 0 ? "1" : "0")
          + (c > 0 ? "1" : "0") + (c >= 0 ? "1" : "0") + (c != 0 ? "1" : "0"));
    }
  }

  private void misc(FixedType a) {
    int n = 16;
    String fn = "misc<" + a.cppName() + ", " + a.width() + ", " + a.signed() + ">";
    code.append("  ").append(fn).append("(in, out, ").append(n).append(");\n");
    FixedType wrap = a.withModes(Rounding.TRN, Overflow.WRAP);
    for (int k = 0; k < n; k++) {
      BigInteger r = k == 0 ? a.minRaw() : k == 1 ? a.maxRaw() : randomRaw(a);
      input.add(r.toString());
      String what = a + " raw " + r + ": ";
      add(what + "<< 3", wrap.quantize(r.shiftLeft(3), a.fractionBits()).toString());
      add(what + ">> 2", r.shiftRight(2).toString());
      int f = a.fractionBits();
      BigInteger trunc = f <= 0 ? r.shiftLeft(-f) : r.abs().shiftRight(f).multiply(BigInteger.valueOf(r.signum()));
      add(what + "to_int64", BigInteger.valueOf(trunc.longValue()).toString());
      add(what + "to_double", Double.toHexString(a.toDouble(r)));
    }
  }

  private void add(String label, String value) {
    labels.add(label);
    expected.add(value);
  }

  // ---- running ----

  private void runAndCompare(String name) throws IOException {
    // -Dtessera.hls.keep=/some/folder keeps the generated programs for inspection
    String keep = System.getProperty("tessera.hls.keep");
    Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : FixedHeaderTest.dir;
    Path lib = dir.resolve("lib");
    KernelLibrary.copyTo(lib, List.of("tessera_fixed.h", "tessera_tb.h"));
    // two translation units that g++ compiles in parallel, and a main that runs them in order
    Files.writeString(dir.resolve("fxtest.h"), PROGRAM_HEAD);
    String[] lines = code.toString().split("\n");
    List<Path> sources = new ArrayList<>();
    StringBuilder main = new StringBuilder("#include \"fxtest.h\"\n");
    int parts = 2;
    for (int k = 0; k < parts; k++) {
      StringBuilder part = new StringBuilder("#include \"fxtest.h\"\nvoid part" + k
          + "(std::istream& in, std::ostream& out) {\n");
      for (int i = k * lines.length / parts; i < (k + 1) * lines.length / parts; i++) {
        part.append(lines[i]).append('\n');
      }
      Path src = dir.resolve(name + "_part" + k + ".cpp");
      Files.writeString(src, part.append("}\n").toString());
      sources.add(src);
      main.append("void part").append(k).append("(std::istream& in, std::ostream& out);\n");
    }
    main.append("int main(int argc, char** argv) {\n  if (argc != 3) return 2;\n  std::ifstream in(argv[1]);\n"
        + "  std::ofstream out(argv[2]);\n");
    for (int k = 0; k < parts; k++) {
      main.append("  part").append(k).append("(in, out);\n");
    }
    Path mainSrc = dir.resolve(name + "_main.cpp");
    Files.writeString(mainSrc, main.append("  return 0;\n}\n").toString());
    sources.add(mainSrc);
    Path in = dir.resolve(name + ".in");
    Path out = dir.resolve(name + ".out");
    Files.write(in, input);
    Path exe = dir.resolve(name);
    Duration t = CppCompiler.compile(sources, List.of(lib, dir), List.of("-Wall", "-Werror"), exe);
    System.out.println("FixedHeaderTest." + name + ": " + expected.size() + " checks, g++ " + t.toMillis() + " ms");
    CppCompiler.run(exe, List.of(in.toString(), out.toString()), dir, Duration.ofMinutes(2));
    List<String> got = Files.readAllLines(out);
    assertEquals(expected.size(), got.size(), "number of results");
    List<String> bad = new ArrayList<>();
    for (int k = 0; k < expected.size(); k++) {
      boolean same = labels.get(k).endsWith("to_double")
          ? Double.parseDouble(expected.get(k)) == Double.parseDouble(got.get(k).strip())
          : expected.get(k).equals(got.get(k).strip());
      if (!same) {
        bad.add(labels.get(k) + ": expected " + expected.get(k) + ", got " + got.get(k));
      }
    }
    assertTrue(bad.isEmpty(), bad.size() + " of " + expected.size() + " mismatches, first:\n"
        + String.join("\n", bad.subList(0, Math.min(20, bad.size()))));
  }

  private static final String PROGRAM_HEAD = """
      #include "tessera_fixed.h"
      #include "tessera_tb.h"
      #include <cstdio>
      #include <cstdlib>
      #include <fstream>
      #include <iostream>
      #include <string>

      using tessera_tb::get_raw;
      using tessera_tb::set_raw;

      template <class S, int WS, class T, int WT, bool ST>
      void conv(std::istream& in, std::ostream& out, int n) {
        for (int i = 0; i < n; ++i) {
          std::string tok;
          in >> tok;
          S x;
          set_raw<WS>(x, tok);
          T y = x;
          out << get_raw<WT, ST>(y) << '\\n';
        }
      }

      template <class T, int WT, bool ST>
      void dbl(std::istream& in, std::ostream& out, int n) {
        for (int i = 0; i < n; ++i) {
          std::string tok;
          in >> tok;
          const double d = std::strtod(tok.c_str(), nullptr);
          T y = d;
          out << get_raw<WT, ST>(y) << '\\n';
        }
      }

      template <class A, int WA, class B, int WB, class T, int WT, bool ST>
      void arith(std::istream& in, std::ostream& out, int n) {
        for (int i = 0; i < n; ++i) {
          std::string ta, tb;
          in >> ta >> tb;
          A a;
          B b;
          set_raw<WA>(a, ta);
          set_raw<WB>(b, tb);
          T s = a + b, d = a - b, p = a * b, m = -a;
          out << get_raw<WT, ST>(s) << '\\n' << get_raw<WT, ST>(d) << '\\n' << get_raw<WT, ST>(p) << '\\n'
              << get_raw<WT, ST>(m) << '\\n';
          out << (a < b) << (a == b) << (a <= b) << (a > b) << (a >= b) << (a != b) << '\\n';
        }
      }

      template <class A, int WA, bool SA>
      void misc(std::istream& in, std::ostream& out, int n) {
        for (int i = 0; i < n; ++i) {
          std::string t;
          in >> t;
          A a;
          set_raw<WA>(a, t);
          A l = a << 3, r = a >> 2;
          char buf[64];
          std::snprintf(buf, sizeof buf, "%a", a.to_double());
          out << get_raw<WA, SA>(l) << '\\n' << get_raw<WA, SA>(r) << '\\n' << a.to_int64() << '\\n' << buf << '\\n';
        }
      }

      """;
}
