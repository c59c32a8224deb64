package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void alignsTextLeftAndNumbersRight() {
    TextTable t = new TextTable("node", "op", ">MACs");
    t.row("fc1", "Dense", "1,024");
    t.row("relu_long_name", "Relu", "0");
    t.rule();
    t.row("total", "", "1,024");
    assertEquals("""
        node            op      MACs
        ----------------------------
        fc1             Dense  1,024
        relu_long_name  Relu       0
        ----------------------------
        total                  1,024
        """, t.render());
  }
}
