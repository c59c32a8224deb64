package dev.tessera.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.op.Op;
import org.junit.jupiter.api.Test;

/** The shared index helpers of {@link Kernels}, element-representation independent. */
class FloatKernelsTest {

  @Test
  void broadcastShapeFollowsNumpy() {
    assertArrayEquals(new long[] {2, 4, 3}, Kernels.broadcastShape(new long[] {2, 1, 3}, new long[] {4, 1}));
    assertArrayEquals(new long[] {5}, Kernels.broadcastShape(new long[] {}, new long[] {5}));
    assertArrayEquals(new long[] {0, 3}, Kernels.broadcastShape(new long[] {0, 1}, new long[] {3}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kernels.broadcastShape(new long[] {2, 3}, new long[] {4}));
    assertTrue(e.getMessage().contains("[2,3] and [4] do not broadcast"), e.getMessage());
  }

  @Test
  void broadcastIndexRepeatsAlongSizeOneAndMissingAxes() {
    // [2,1] -> [3,2,2]: element (i, j, k) reads from (j, 0)
    assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1},
        Kernels.broadcastIndex(new long[] {2, 1}, new long[] {3, 2, 2}));
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, Kernels.broadcastIndex(new long[] {3}, new long[] {2, 3}));
    assertArrayEquals(new int[] {0, 0, 0}, Kernels.broadcastIndex(new long[] {}, new long[] {3}));
  }

  @Test
  void broadcastRowsCoverEveryOutputElement() {
    Kernels.Broadcast p = Kernels.broadcast(new long[] {2, 1, 3}, new long[] {4, 1});
    assertArrayEquals(new long[] {2, 4, 3}, p.shape());
    assertEquals(3, p.inner());
    assertEquals(8, p.rows());
    assertArrayEquals(new int[] {1, 0}, p.innerStride());
    assertArrayEquals(new int[] {0, 0, 0, 0, 3, 3, 3, 3}, p.rowOffset()[0]);
    assertArrayEquals(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, p.rowOffset()[1]);
  }

  @Test
  void matmulPromotesVectorsAndBroadcastsBatch() {
    Kernels.MatMul p = Kernels.matmul(new long[] {2, 1, 4, 3}, new long[] {5, 3, 6});
    assertArrayEquals(new long[] {2, 5, 4, 6}, p.shape());
    assertEquals(10, p.batch());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 12, 12, 12, 12, 12}, p.aOffset());
    assertArrayEquals(new int[] {0, 18, 36, 54, 72, 0, 18, 36, 54, 72}, p.bOffset());
    assertArrayEquals(new long[] {2}, Kernels.matmul(new long[] {3}, new long[] {3, 2}).shape());
    assertArrayEquals(new long[] {4}, Kernels.matmul(new long[] {4, 3}, new long[] {3}).shape());
    assertArrayEquals(new long[] {}, Kernels.matmul(new long[] {3}, new long[] {3}).shape());
    assertThrows(IllegalArgumentException.class, () -> Kernels.matmul(new long[] {2, 3}, new long[] {4, 2}));
  }

  @Test
  void windowMarksPadsAndPositionsBeyondThem() {
    // 1-D, input 3, kernel 2, stride 2, pad 1 at the start: windows start at -1 (pad, 0) and 1 (1, 2)
    long[] out = Kernels.windowOutput(new long[] {3}, new long[] {2}, new long[] {2}, new long[] {1},
        new long[] {0}, null, true);
    assertArrayEquals(new long[] {2}, out);
    Kernels.Window w = Kernels.window(new long[] {3}, out, new long[] {2}, new long[] {2}, new long[] {1},
        new long[] {0}, null);
    assertArrayEquals(new int[] {Kernels.PAD, 0, 1, 2}, w.index());
    // input 5, kernel 2, stride 2, ceil mode -> 3 outputs; the last window's second element is beyond the end
    long[] ceil = Kernels.windowOutput(new long[] {5}, new long[] {2}, new long[] {2}, new long[] {0},
        new long[] {0}, null, true);
    assertArrayEquals(new long[] {3}, ceil);
    Kernels.Window w2 = Kernels.window(new long[] {5}, ceil, new long[] {2}, new long[] {2}, new long[] {0},
        new long[] {0}, null);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, Kernels.OUTSIDE}, w2.index());
  }

  @Test
  void windowHandlesDilationAndTwoAxes() {
    // 3x3 input, 2x2 kernel dilated by 2: one window reading the corners 0, 2, 6, 8
    Kernels.Window w = Kernels.window(new long[] {3, 3}, new long[] {1, 1}, new long[] {2, 2}, new long[] {1, 1},
        new long[] {0, 0}, new long[] {0, 0}, new long[] {2, 2});
    assertArrayEquals(new int[] {0, 2, 6, 8}, w.index());
    assertEquals(1, w.outSize());
    // a 2-D window whose row is padded and whose column is valid is PAD
    Kernels.Window p = Kernels.window(new long[] {2, 2}, new long[] {1, 1}, new long[] {2, 2},
        new long[] {1, 1}, new long[] {1, 0}, new long[] {0, 0}, null);
    assertArrayEquals(new int[] {Kernels.PAD, Kernels.PAD, 0, 1}, p.index());
  }

  @Test
  void ceilOutputDropsWindowsStartingInTheEndPad() {
    // input 4, kernel 2, stride 2, pad end 1: ceil((4+1-2)/2)+1 = 3 but the third window would start at 4
    assertArrayEquals(new long[] {2}, Kernels.windowOutput(new long[] {4}, new long[] {2}, new long[] {2},
        new long[] {0}, new long[] {1}, null, true));
  }

  @Test
  void transposeIndex() {
    assertArrayEquals(new long[] {3, 2}, Kernels.transposeShape(new long[] {2, 3}, new int[] {1, 0}));
    assertArrayEquals(new int[] {0, 3, 1, 4, 2, 5}, Kernels.transposeIndex(new long[] {2, 3}, new int[] {1, 0}));
    // [2,3,4] perm [2,0,1]: output (k, i, j) reads input (i, j, k) = 12 i + 4 j + k
    int[] m = Kernels.transposeIndex(new long[] {2, 3, 4}, new int[] {2, 0, 1});
    assertEquals(24, m.length);
    assertEquals(12 * 1 + 4 * 2 + 3, m[3 * 6 + 1 * 3 + 2]);
    assertThrows(IllegalArgumentException.class, () -> Kernels.transposeShape(new long[] {2, 3},
        new int[] {0, 0}));
  }

  @Test
  void sliceClampsAndSteps() {
    Kernels.Slice s = Kernels.slice(new long[] {2, 5}, new long[] {1}, new long[] {Long.MAX_VALUE},
        new int[] {1}, new long[] {2});
    assertArrayEquals(new long[] {2, 2}, s.shape());
    assertArrayEquals(new int[] {1, 3, 6, 8}, Kernels.sliceIndex(new long[] {2, 5}, s));
    Kernels.Slice neg = Kernels.slice(new long[] {5}, new long[] {4}, new long[] {-1}, new int[] {0},
        new long[] {-2});
    assertArrayEquals(new int[] {4, 2, 0}, Kernels.sliceIndex(new long[] {5}, neg));
    Kernels.Slice empty = Kernels.slice(new long[] {5}, new long[] {3}, new long[] {2}, new int[] {0}, null);
    assertArrayEquals(new long[] {0}, empty.shape());
  }

  @Test
  void padIndexModes() {
    long[] x = {3};
    assertArrayEquals(new int[] {Kernels.PAD, 0, 1, 2, Kernels.PAD, Kernels.PAD},
        Kernels.padIndex(x, new long[] {1}, new long[] {2}, Op.PadMode.CONSTANT));
    assertArrayEquals(new int[] {2, 1, 0, 1, 2, 1, 0},
        Kernels.padIndex(x, new long[] {2}, new long[] {2}, Op.PadMode.REFLECT));
    assertArrayEquals(new int[] {0, 0, 0, 1, 2, 2, 2},
        Kernels.padIndex(x, new long[] {2}, new long[] {2}, Op.PadMode.EDGE));
    assertArrayEquals(new int[] {1}, Kernels.padIndex(x, new long[] {-1}, new long[] {-1}, Op.PadMode.CONSTANT));
    assertThrows(IllegalArgumentException.class,
        () -> Kernels.padIndex(x, new long[] {3}, new long[] {0}, Op.PadMode.REFLECT));
  }

  @Test
  void gatherAndConcatAndReduce() {
    assertArrayEquals(new long[] {2, 2, 1}, Kernels.gatherShape(new long[] {2, 3}, 1, new long[] {2, 1}));
    assertArrayEquals(new int[] {2, 0, 5, 3}, Kernels.gatherIndex(new long[] {2, 3}, 1, new long[] {2, 0}));
    assertThrows(IllegalArgumentException.class,
        () -> Kernels.gatherIndex(new long[] {2, 3}, 1, new long[] {3}));
    Kernels.Concat c = Kernels.concat(new long[][] {{2, 1}, {2, 3}}, 1);
    assertArrayEquals(new long[] {2, 4}, c.shape());
    assertEquals(2, c.outer());
    assertArrayEquals(new int[] {1, 3}, c.inBlock());
    assertArrayEquals(new int[] {0, 1}, c.offset());
    assertThrows(IllegalArgumentException.class, () -> Kernels.concat(new long[][] {{2, 1}, {3, 1}}, 1));
    assertArrayEquals(new long[] {2}, Kernels.reduceShape(new long[] {2, 3}, new int[] {1}, false));
    assertArrayEquals(new long[] {1, 3}, Kernels.reduceShape(new long[] {2, 3}, new int[] {0}, true));
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, Kernels.reduceIndex(new long[] {2, 3}, new int[] {0}));
  }
}
