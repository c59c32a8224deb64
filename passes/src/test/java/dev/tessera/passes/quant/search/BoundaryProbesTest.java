package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.interp.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Interpolated probes: inside the data's range, on its grid when asked, reproducible. */
class BoundaryProbesTest {

  private static final CalibrationSet DATA = CalibrationSet.of(Map.of("x", new NdArray(new long[] {3, 2},
      new double[] {0, 1, 0.5, 0.25, 1, 0})));

  @Test
  void probesLieBetweenSamplesAndAreReproducible() {
    NdArray p = BoundaryProbes.mixup(DATA, 500, 9).get("x");
    assertEquals(500, p.shape()[0]);
    assertEquals(2, p.shape()[1]);
    for (double v : p.data()) {
      assertTrue(v >= 0 && v <= 1, "probe value " + v);
    }
    assertArrayEquals(p.data(), BoundaryProbes.mixup(DATA, 500, 9).get("x").data(), 0.0);
    assertEquals(3, DATA.inputs().get("x").shape()[0], "the data keeps its shape");
  }

  @Test
  void probesOfGriddedDataStayOnTheGrid() {
    for (double v : BoundaryProbes.mixup(DATA, 300, 1, Map.of("x", 2)).get("x").data()) {
      assertEquals(Math.rint(v * 4), v * 4, 0.0, "probe " + v + " is a multiple of 1/4");
    }
  }
}
