package dev.tessera.backend.verilog.rtl;

import dev.tessera.ir.arith.Range;
import java.util.List;

/**
 * The elements of a tensor packed in one port, element {@code i} in bits {@code [i*W +: W]}; each element's wire is
 * declared the first time it is used, so unused elements leave no dangling wires.
 */
public final class Bus {
  private final RtlModule m;
  private final Sig port;
  private final int width;
  private final boolean signed;
  private final List<Range> ranges;
  private final String hint;
  private final Sig[] elements;

  public Bus(RtlModule m, Sig port, int elementWidth, boolean signed, List<Range> ranges, String hint) {
    if (port.width() != elementWidth * ranges.size()) {
      throw new IllegalArgumentException("port " + port.name() + " has " + port.width() + " bits, not "
          + ranges.size() + " x " + elementWidth);
    }
    this.m = m;
    this.port = port;
    this.width = elementWidth;
    this.signed = signed;
    this.ranges = List.copyOf(ranges);
    this.hint = hint;
    elements = new Sig[ranges.size()];
  }

  public int size() {
    return elements.length;
  }

  public int elementWidth() {
    return width;
  }

  public Range range(int i) {
    return ranges.get(i);
  }

  /** Element {@code i} as a wire of the element width. */
  public Sig element(int i) {
    if (elements[i] == null) {
      int lo = i * width;
      m.read(port, lo, lo + width - 1);
      String slice = port.width() == width ? port.name() : port.name() + "[" + (lo + width - 1) + ":" + lo + "]";
      elements[i] = m.wire(hint + i, width, signed, ranges.get(i), slice, null);
    }
    return elements[i];
  }
}
