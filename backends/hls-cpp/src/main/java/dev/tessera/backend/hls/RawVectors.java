package dev.tessera.backend.hls;

import dev.tessera.ir.FixedType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test vectors as raw integers, the format of tb_data/*.dat: one vector per line, the raw integers of every element
 * of every port in port order, separated by single spaces.
 */
public final class RawVectors {

  private RawVectors() {
  }

  /** A uniformly random raw value of {@code t}: a random point of the type's grid. */
  public static BigInteger random(FixedType t, Random rng) {
    BigInteger span = t.maxRaw().subtract(t.minRaw()).add(BigInteger.ONE);
    BigInteger r;
    do {
      r = new BigInteger(span.bitLength(), rng);
    } while (r.compareTo(span) >= 0);
    return r.add(t.minRaw());
  }

  /** {@code count} random vectors for ports of the given types and element counts, seeded. */
  public static List<BigInteger[][]> random(List<FixedType> types, List<Long> sizes, int count, long seed) {
    Random rng = new Random(seed);
    List<BigInteger[][]> out = new ArrayList<>();
    for (int v = 0; v < count; v++) {
      BigInteger[][] ports = new BigInteger[types.size()][];
      for (int p = 0; p < types.size(); p++) {
        BigInteger[] a = new BigInteger[Math.toIntExact(sizes.get(p))];
        for (int i = 0; i < a.length; i++) {
          a[i] = random(types.get(p), rng);
        }
        ports[p] = a;
      }
      out.add(ports);
    }
    return out;
  }

  /** One line of a .dat file. */
  public static String line(BigInteger[][] ports) {
    StringBuilder b = new StringBuilder();
    for (BigInteger[] port : ports) {
      for (BigInteger v : port) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(v);
      }
    }
    return b.toString();
  }

  /** Parses one line of a .dat file into ports of the given element counts; an error naming the line. */
  public static BigInteger[][] parse(String line, List<Long> sizes, String where) {
    String[] f = line.trim().isEmpty() ? new String[0] : line.trim().split("\\s+");
    long want = 0;
    for (long s : sizes) {
      want += s;
    }
    if (f.length != want) {
      throw new IllegalArgumentException(where + ": " + f.length + " values, expected " + want);
    }
    BigInteger[][] ports = new BigInteger[sizes.size()][];
    int k = 0;
    for (int p = 0; p < sizes.size(); p++) {
      ports[p] = new BigInteger[Math.toIntExact(sizes.get(p))];
      for (int i = 0; i < ports[p].length; i++) {
        try {
          ports[p][i] = new BigInteger(f[k++]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(where + ": '" + f[k - 1] + "' is not an integer", e);
        }
      }
    }
    return ports;
  }
}
