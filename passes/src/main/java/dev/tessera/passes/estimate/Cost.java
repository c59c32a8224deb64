package dev.tessera.passes.estimate;

/** Resources of a piece of hardware (no latency): the unit the cost models add up. */
record Cost(double lut, double ff, long dsp, long bram18, long multipliers, long adders) {

  static final Cost ZERO = new Cost(0, 0, 0, 0, 0, 0);

  static Cost luts(double lut) {
    return new Cost(lut, 0, 0, 0, 0, 0);
  }

  static Cost ffs(double ff) {
    return new Cost(0, ff, 0, 0, 0, 0);
  }

  Cost plus(Cost o) {
    return new Cost(lut + o.lut, ff + o.ff, dsp + o.dsp, bram18 + o.bram18, multipliers + o.multipliers,
        adders + o.adders);
  }

  /** {@code n} copies. */
  Cost times(long n) {
    return new Cost(lut * n, ff * n, dsp * n, bram18 * n, multipliers * n, adders * n);
  }

  /** Shared {@code reuse} times: logic and multipliers divided (rounded up), registers kept. */
  Cost reused(int reuse) {
    if (reuse == 1) {
      return this;
    }
    return new Cost(Math.ceil(lut / reuse), ff, ceilDiv(dsp, reuse), bram18, ceilDiv(multipliers, reuse),
        ceilDiv(adders, reuse));
  }

  private static long ceilDiv(long a, int b) {
    return (a + b - 1) / b;
  }
}
