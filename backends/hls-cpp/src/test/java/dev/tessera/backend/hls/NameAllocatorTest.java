package dev.tessera.backend.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NameAllocatorTest {

  @Test
  void makesLegalIdentifiers() {
    assertEquals("dense_1_BiasAdd_0", NameAllocator.legal("dense_1/BiasAdd:0"));
    assertEquals("t_0", NameAllocator.legal("0"));
    assertEquals("a_b", NameAllocator.legal("__a__b__"));
    assertEquals("t", NameAllocator.legal("::"));
    assertEquals("x_y", NameAllocator.legal("x.y"));
  }

  @Test
  void keepsNamesUniqueAndStablePerKey() {
    NameAllocator n = new NameAllocator();
    String a = n.newName("dense/1", "A");
    String b = n.newName("dense:1", "B");
    assertEquals("dense_1", a);
    assertNotEquals(a, b);
    assertEquals("dense_1_2", b);
    assertEquals(a, n.get("A"));
    assertThrows(IllegalStateException.class, () -> n.newName("other", "A"));
    assertThrows(IllegalArgumentException.class, () -> n.get("C"));
  }

  @Test
  void avoidsKeywordsAndReservedNames() {
    NameAllocator n = new NameAllocator();
    n.reserve("tb_in");
    assertEquals("int_2", n.newName("int", "k1"));
    assertEquals("tb_in_2", n.newName("tb_in", "k2"));
    assertEquals("main_2", n.newName("main", "k3"));
  }
}
