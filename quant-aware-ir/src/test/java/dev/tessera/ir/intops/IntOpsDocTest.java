package dev.tessera.ir.intops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The constant table of docs/integer-ops.md is what the code computes (backends copy it). */
class IntOpsDocTest {

  @Test
  void constantTableMatchesTheCode() throws IOException {
    String root = System.getProperty("tessera.root");
    assumeTrue(root != null, "system property tessera.root is not set (run through Maven); skipping the doc check");
    Path doc = Path.of(root, "docs", "integer-ops.md");
    assumeTrue(Files.isRegularFile(doc), "docs/integer-ops.md not found under " + root + "; skipping");
    List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
    int header = lines.indexOf("| k | L | A | 6L² | Bc | Ha |");
    assertEquals(true, header >= 0, "constant table header missing in " + doc);
    int rows = 0;
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("\\|");
      int k = Integer.parseInt(cells[1].trim());
      IntExp e = new IntExp(k);
      IntGelu g = new IntGelu(k);
      assertEquals(e.ln2(), Long.parseLong(cells[2].trim()), "L for k=" + k);
      assertEquals(e.a(), Long.parseLong(cells[3].trim()), "A for k=" + k);
      assertEquals(e.unscaledMax(), Long.parseLong(cells[4].trim()), "6L² for k=" + k);
      assertEquals(g.clip(), Long.parseLong(cells[5].trim()), "Bc for k=" + k);
      assertEquals(g.coefficient(), Long.parseLong(cells[6].trim()), "Ha for k=" + k);
      rows++;
    }
    assertEquals(IntExp.MAX_FRACTION_BITS - IntExp.MIN_FRACTION_BITS + 1, rows, "one row per supported k");
  }
}
