package dev.tessera.passes.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PruneBudgetTest {

  @Test
  void parsesTheThreeForms() {
    assertEquals(new PruneBudget(PruneBudget.Kind.MACS, 0.5), PruneBudget.parse("macs<=0.5"));
    assertEquals(new PruneBudget(PruneBudget.Kind.MACS, 0.25), PruneBudget.parse(" MACS <= 25% "));
    assertEquals(new PruneBudget(PruneBudget.Kind.LUT, 8000), PruneBudget.parse("lut<=8000"));
    assertEquals(new PruneBudget(PruneBudget.Kind.DSP, 0), PruneBudget.parse("dsp<=0"));
    assertEquals("macs<=0.5", PruneBudget.parse("macs<=0.5").toString());
  }

  @Test
  void refusesNonsense() {
    for (String s : new String[] {"", "macs<0.5", "macs<=1.5", "macs<=0", "lut<=12.5", "dsp<=50%", "ff<=10",
        "lut<=-1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PruneBudget.parse(s), s);
      assertTrue(Character.isLowerCase(e.getMessage().charAt(0)), e.getMessage());
    }
  }
}
