package dev.tessera.passes.quant.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.LayerConfig;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.passes.config.Strategy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the writer prints, ConfigLoader reads back unchanged. */
class ConfigWriterTest {

  @Test
  void everySettingAndAnyNameSurvivesTheRoundTrip() {
    LayerConfig model = new LayerConfig(null, null, FixedType.parse("fixed<18,8>"), FixedType.parse("fixed<30,12>"),
        FixedType.parse("ufixed<10,1,RND,SAT>"), FixedType.parse("fixed<12,3,RND_CONV,SAT>"), 512,
        SoftmaxMode.INTEGER, 4, Strategy.RESOURCE);
    LayerConfig layer = new LayerConfig(FixedType.parse("fixed<5,0,RND_CONV,SAT>"), FixedType.parse("fixed<9,-2>"),
        FixedType.parse("ufixed<7,7,RND,WRAP>"), null, null, null, null, SoftmaxMode.ARGMAX, 2, null);
    PrecisionConfig c = new PrecisionConfig(FixedType.parse("fixed<14,5,TRN_ZERO,SAT_SYM>"), model,
        Map.of("it's: a [node]/x #1", layer, "empty", LayerConfig.EMPTY),
        Map.of("in put", FixedType.parse("int<8>")));
    String yaml = ConfigWriter.yaml(c, List.of("two", "comment lines"));
    assertTrue(yaml.startsWith("# two\n# comment lines\nModel:\n"), yaml);
    assertEquals(c, ConfigLoader.parse(yaml));
  }
}
