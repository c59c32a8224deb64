package dev.tessera.passes.estimate;

/**
 * The cost of a {@link LinearLayer}; on the RTL target a Dense or Conv is costed by {@link ShiftAddCost}, and this
 * per-weight model remains for the HLS target and for unfolded BatchNorms. The per-weight model: the products (multipliers on the HLS target, canonical-signed-digit adders on
 * the RTL target), one balanced adder tree per output unit whose level {@code l} adders are
 * {@code min(accWidth, productWidth + l)} bits wide, pipeline registers every {@code levelsPerStage} adder levels,
 * the requantization to the output type and an output register.
 */
final class LinearCost {

  private LinearCost() {}

  /** The resources and latency of one layer. */
  record Result(Cost cost, long latency, long interval) {}

  static Result of(LinearLayer l, Primitives p, int reuse) {
    if (!p.hls() && l.rtl() != null) {
      Result r = ShiftAddCost.of(l, l.rtl(), p);
      if (r != null) {
        return r;
      }
    }
    Cost products = Cost.ZERO;
    Cost tree = Cost.ZERO;
    double ff = 0;
    int maxDepth = 0;
    long lutMultipliers = 0;
    long dspMultipliers = 0;
    int wp = l.productWidth();
    int wa = l.accWidth();
    int per = p.options().levelsPerStage();
    for (int j = 0; j < l.units(); j++) {
      int constDepth = 0;
      for (long w : l.weights()[j]) {
        if (w == 0) {
          continue;
        }
        Cost c = p.constantMultiply(w, l.wx(), l.ww());
        products = products.plus(c);
        if (c.dsp() > 0) {
          dspMultipliers++;
        } else if (c.multipliers() > 0) {
          lutMultipliers++;
        }
        if (!p.hls()) {
          constDepth = Math.max(constDepth, Primitives.constantDepth(w));
        }
      }
      int n = l.terms(j);
      int levels = Primitives.ceilLog2(n);
      int depth = constDepth + levels;
      maxDepth = Math.max(maxDepth, depth);
      int live = n;
      for (int lv = 1; lv <= levels; lv++) {
        int width = Math.min(wa, wp + lv);
        tree = tree.plus(p.adders(live / 2, width));
        live = (live + 1) / 2;
        if ((constDepth + lv) % per == 0 && lv < levels) {
          ff += (double) live * width;
        }
      }
      for (int b = per; b < constDepth; b += per) {
        ff += (double) l.nonzero(j) * wp;
      }
      tree = tree.plus(p.requantize(l.acc(), l.out()));
    }
    ff += (double) l.units() * l.out().width();
    long multCycles = 0;
    if (lutMultipliers > 0) {
      ff += (double) lutMultipliers * wp;
      multCycles = 1;
    }
    if (dspMultipliers > 0) {
      multCycles = Math.max(multCycles, p.options().dspLatency());
    }
    Cost total = products.plus(tree).reused(reuse).plus(Cost.ffs(ff));
    long latency = Math.max(1, multCycles + p.stages(maxDepth)) + (reuse - 1) + (l.positions() - 1);
    return new Result(total, latency, reuse * l.positions());
  }
}
