package dev.tessera.ir.arith;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not a unit test; {@code -Dtessera.bench=true}): adders and depth of a 16x64 constant matrix of random
 * 16-bit values (16 inputs to 64 outputs, and 64 inputs to 16 outputs), as plain signed digits and with every
 * sharing stage.
 */
class CmvmBenchmark {

  @Test
  void matrix16x64() {
    Assumptions.assumeTrue(Boolean.getBoolean("tessera.bench"), "benchmark: run with -Dtessera.bench=true");
    run(64, 16);
    run(16, 64);
  }

  private static void run(int outputs, int inputs) {
    Random r = new Random(2025);
    long[][] w = new long[outputs][inputs];
    for (long[] row : w) {
      for (int i = 0; i < row.length; i++) {
        row[i] = r.nextInt(1 << 16) - (1 << 15);
      }
    }
    Range[] in = new Range[inputs];
    Arrays.fill(in, Range.of(-32768, 32767));
    int digits = 0;
    for (long[] row : w) {
      for (long v : row) {
        digits += Csd.weight(v);
      }
    }
    var bean = ManagementFactory.getThreadMXBean();
    long t0 = bean.getCurrentThreadCpuTime();
    AdderGraph plain = Cmvm.shiftAdd(w, in, null, Cmvm.Options.noCse());
    long t1 = bean.getCurrentThreadCpuTime();
    AdderGraph shared = Cmvm.shiftAdd(w, in, null, Cmvm.Options.defaults());
    long t2 = bean.getCurrentThreadCpuTime();
    System.out.printf("CmvmBenchmark %d inputs -> %d outputs, 16-bit: %d signed digits; one tree per output %d "
        + "adders; identical adders built once %d adders, depth %d (%.2f s); with sharing %d adders, depth %d, %d "
        + "adder bits (%.2f s cpu)%n", inputs, outputs, digits, digits - outputs, plain.adders(), plain.depth(), (t1 - t0) / 1e9, shared.adders(),
        shared.depth(), shared.adderBits(), (t2 - t1) / 1e9);
    assertTrue(shared.adders() < plain.adders());
  }
}
