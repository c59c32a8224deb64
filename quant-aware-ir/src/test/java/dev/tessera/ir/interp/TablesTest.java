package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table indices and entries, and the pooling reciprocal. */
class TablesTest {

  private static final FixedType TABLE = FixedConstants.TABLE_TYPE;

  @Test
  void indexFloorsAndClampsOnTheRawValue() {
    TableSpec sig = Tables.sigmoidSpec(1024, TABLE); // [-8, 8), 64 entries per unit
    assertEquals(0, Tables.index(sig, 4, BigInteger.valueOf(-128))); // exactly -8
    assertEquals(0, Tables.index(sig, 4, BigInteger.valueOf(-129)));
    assertEquals(1020, Tables.index(sig, 4, BigInteger.valueOf(127))); // 7.9375
  }

  @Test
  void indexOfValuesBetweenEntriesFloors() {
    TableSpec sig = Tables.sigmoidSpec(1024, TABLE);
    // x = -1/16 with 10 fraction bits: raw -64; (x + 8) * 64 = 508
    assertEquals(508, Tables.index(sig, 10, BigInteger.valueOf(-64)));
    // x = -1/1024: (8 - 2^-10) * 64 = 511.9375 -> 511
    assertEquals(511, Tables.index(sig, 10, BigInteger.valueOf(-1)));
    assertEquals(512, Tables.index(sig, 10, BigInteger.ZERO));
    assertEquals(1023, Tables.index(sig, 10, BigInteger.ONE.shiftLeft(200)));
    assertEquals(0, Tables.index(sig, 10, BigInteger.ONE.shiftLeft(200).negate()));
  }

  @Test
  void indexWorksForNegativeFractionBitsAndAnOffsetStart() {
    TableSpec sig = Tables.sigmoidSpec(1024, TABLE);
    assertEquals(768, Tables.index(sig, -2, BigInteger.ONE)); // x = 4: (4 + 8) * 64
    TableSpec odd = new TableSpec(4, -0.75, 1, TABLE); // [-0.75, 1.25), entries of 0.5
    int[] raws = {-192, -64, 51, 64, 317, 1280, -1000};
    int[] want = {0, 1, 1, 2, 3, 3, 0};
    for (int i = 0; i < raws.length; i++) {
      assertEquals(want[i], Tables.index(odd, 8, BigInteger.valueOf(raws[i])), "raw " + raws[i]);
    }
  }

  @Test
  void longAndBigIntegerIndicesAgree() {
    Random rnd = new Random(5);
    for (int k = 0; k < 20_000; k++) {
      int size = 1 << (1 + rnd.nextInt(12));
      double lo = Math.scalb((double) (rnd.nextInt(2001) - 1000), -rnd.nextInt(12));
      TableSpec spec = new TableSpec(size, lo, rnd.nextInt(20) - 5, TABLE);
      int frac = rnd.nextInt(80) - 20;
      long raw = rnd.nextBoolean() ? rnd.nextInt(1 << 20) - (1 << 19) : rnd.nextLong() >> rnd.nextInt(64);
      Tables.Indexer ix = Tables.indexer(spec, frac);
      assertEquals(ix.index(BigInteger.valueOf(raw)), ix.index(raw), spec + " frac " + frac + " raw " + raw);
    }
  }

  @Test
  void entriesSampleTheMiddleOfEachIntervalAndSaturate() {
    TableSpec spec = new TableSpec(4, 0.0, 2, FixedType.parse("fixed<8,4,RND_CONV,SAT>")); // [0, 4), step 1
    long[] e = Tables.entries(spec, v -> v * v);
    // 0.25, 2.25, 6.25 -> 4, 36, 100 (2^-4); 12.25 saturates to 127
    assertEquals(4, e[0]);
    assertEquals(36, e[1]);
    assertEquals(100, e[2]);
    assertEquals(127, e[3]);
    long[] inf = Tables.entries(spec, v -> Double.NEGATIVE_INFINITY);
    assertEquals(-128, inf[0]);
    assertThrows(IllegalArgumentException.class, () -> Tables.entries(spec, v -> Double.NaN));
  }

  @Test
  void defaultSpecsFollowTheDoc() {
    FixedType in = FixedType.parse("fixed<16,6>");
    assertEquals(6, Tables.rangeLog2(in));
    assertEquals(1, Tables.rangeLog2(FixedType.parse("ufixed<8,0>")));
    assertEquals(new TableSpec(1024, -64.0, 6, TABLE), Tables.softmaxExpSpec(1024, TABLE, in));
    assertEquals(new TableSpec(1024, -32.0, 6, TABLE), Tables.inputRangeSpec(1024, TABLE, in));
    assertEquals(new TableSpec(1024, 0.0, 3, TABLE), Tables.softmaxInvSpec(1024, TABLE, 5));
    assertEquals(new TableSpec(1024, 0.0, 3, TABLE), Tables.softmaxInvSpec(1024, TABLE, 8));
    assertEquals(new TableSpec(1024, 0.0, 4, TABLE), Tables.softmaxInvSpec(1024, TABLE, 9));
    assertEquals(new TableSpec(512, -8.0, 4, TABLE), Tables.sigmoidSpec(512, TABLE));
    assertEquals(new TableSpec(1024, -8.0, 3, TABLE), Tables.eluSpec(1024, TABLE));
  }

  @Test
  void poolReciprocalRoundsToNearestWithTiesToEven() {
    assertEquals(1L << 17, FixedConstants.poolReciprocal(1));
    assertEquals(43691, FixedConstants.poolReciprocal(3)); // 43690.67
    assertEquals(18725, FixedConstants.poolReciprocal(7)); // 18724.57
    assertEquals(1L << 13, FixedConstants.poolReciprocal(16));
    assertEquals(1, FixedConstants.poolReciprocal(1L << 17));
    assertEquals(0, FixedConstants.poolReciprocal(1L << 18)); // exactly one half LSB: tie to even 0
    assertEquals(1, FixedConstants.poolReciprocal((1L << 18) - 1)); // just above one half
    assertThrows(IllegalArgumentException.class, () -> FixedConstants.poolReciprocal(0));
  }

  @Test
  void clipBoundsUseConvergentRoundingAndSaturation() {
    FixedType ty = FixedType.parse("fixed<8,4>");
    assertEquals(BigInteger.valueOf(2), FixedConstants.clipBound(ty, 0.15625)); // 2.5 -> 2
    assertEquals(BigInteger.valueOf(127), FixedConstants.clipBound(ty, 100.0));
    assertEquals(BigInteger.valueOf(-128), FixedConstants.clipBound(ty, Double.NEGATIVE_INFINITY));
  }
}
