package dev.tessera.backend.verilog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.interp.FixedConstants;
import dev.tessera.ir.interp.Tables;
import dev.tessera.ir.op.TableSpec;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index constants printed into RTL give the interpreter's table index for every input. */
class TableIndexTest {

  @Test
  void indexMatchesTheInterpreterForManySpecsAndScales() {
    FixedType tt = FixedConstants.TABLE_TYPE;
    List<TableSpec> specs = List.of(Tables.sigmoidSpec(1024, tt), Tables.sigmoidSpec(64, tt),
        Tables.eluSpec(256, tt), Tables.softmaxExpSpec(1024, tt, FixedType.parse("fixed<16,6>")),
        Tables.softmaxInvSpec(1024, tt, 10), Tables.inputRangeSpec(512, tt, FixedType.parse("fixed<8,3>")),
        new TableSpec(128, -0.375, -1, tt), new TableSpec(32, 3.0, 7, tt));
    Random r = new Random(1);
    for (TableSpec s : specs) {
      for (int f : new int[] {-3, 0, 4, 10, 17, 30}) {
        TableIndex ti = TableIndex.of(s, f);
        for (int k = 0; k < 3000; k++) {
          BigInteger raw = BigInteger.valueOf(r.nextLong() >> r.nextInt(64));
          assertEquals(Tables.index(s, f, raw), ti.index(raw), s + " F=" + f + " raw=" + raw);
        }
      }
    }
  }
}
