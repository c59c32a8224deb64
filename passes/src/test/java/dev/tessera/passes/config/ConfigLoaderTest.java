package dev.tessera.passes.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.op.SoftmaxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static FixedType t(String s) {
    return FixedType.parse(s);
  }

  private static final String YAML = """
      Model:
        Precision:
          default: 'fixed<18,8>'
          accum: 'fixed<32,16>'
        ReuseFactor: 2
        Strategy: Latency
        SoftmaxMode: latency
      LayerName:
        dense_1:
          Precision:
            weight: 'ap_fixed<8,2,AP_RND_CONV,AP_SAT>'
            bias: 'fixed<10,4>'
            result: 'fixed<16,6>'
            table: 'ufixed<12,0>'
            param: 'fixed<8,1>'
          ReuseFactor: 4
          Strategy: Resource
          TableSize: 512
        relu_1:
          Precision: 'ufixed<8,3>'
        softmax:
          SoftmaxMode: argmax
      InputPrecision:
        input_1: 'fixed<12,4>'
      """;

  @Test
  void readsTheHls4mlVocabulary() {
    PrecisionConfig c = ConfigLoader.parse(YAML);
    assertEquals(t("fixed<18,8>"), c.defaultType());
    assertEquals(t("fixed<32,16>"), c.model().accum());
    assertEquals(2, c.model().reuseFactor());
    assertEquals(SoftmaxMode.LATENCY, c.model().softmaxMode());
    LayerConfig d = c.layer("dense_1");
    assertEquals(t("fixed<8,2,RND_CONV,SAT>"), d.weight());
    assertEquals(t("fixed<10,4>"), d.bias());
    assertEquals(t("fixed<16,6>"), d.result());
    assertEquals(t("fixed<32,16>"), d.accum()); // from the model
    assertEquals(t("ufixed<12,0>"), d.table());
    assertEquals(t("fixed<8,1>"), d.param());
    assertEquals(4, d.reuseFactor());
    assertEquals(Strategy.RESOURCE, d.strategy());
    assertEquals(512, d.tableSize());
    LayerConfig r = c.layer("relu_1");
    assertEquals(t("ufixed<8,3>"), r.weight());
    assertEquals(t("ufixed<8,3>"), r.result());
    assertEquals(2, r.reuseFactor());
    assertEquals(SoftmaxMode.ARGMAX, c.layer("softmax").softmaxMode());
    assertEquals(t("fixed<12,4>"), c.inputType("input_1"));
    assertEquals(t("fixed<18,8>"), c.inputType("other"));
    assertNull(c.layerOverride("relu_1").orElseThrow().reuseFactor());
  }

  @Test
  void readsJsonAndTheShortModelPrecision() {
    PrecisionConfig c = ConfigLoader.parse("""
        {"Model": {"Precision": "fixed<8,3>", "ReuseFactor": 1, "Strategy": "resource"},
         "LayerName": {"fc": {"Precision": {"accum": "fixed<24,10>"}}}}
        """);
    assertEquals(t("fixed<8,3>"), c.defaultType());
    assertEquals(Strategy.RESOURCE, c.model().strategy());
    assertEquals(t("fixed<24,10>"), c.layer("fc").accum());
    assertNull(c.layer("fc").weight());
  }

  @Test
  void anEmptyDocumentIsHls4mlsDefault() {
    assertEquals(PrecisionConfig.uniform(t("fixed<16,6>")), ConfigLoader.parse(""));
  }

  private static String error(String text) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.parse(text)).getMessage();
  }

  @Test
  void unknownKeysListTheValidOnes() {
    assertEquals("config: unknown key 'Modle'; valid keys: Model, LayerName, InputPrecision",
        error("Modle: {Precision: 'fixed<16,6>'}"));
    assertEquals("Model: unknown key 'precision' (keys are case-sensitive: 'Precision'); valid keys: Precision, "
        + "ReuseFactor, Strategy, TableSize, SoftmaxMode", error("Model: {precision: 'fixed<16,6>'}"));
    assertEquals("LayerName.fc.Precision: unknown key 'wieght'; valid keys: default, weight, bias, result, accum, "
        + "table, param", error("LayerName: {fc: {Precision: {wieght: 'fixed<8,2>'}}}"));
  }

  @Test
  void badValuesNameTheirPathAndTheValidChoices() {
    assertEquals("Model.Precision: cannot parse fixed-point type 'fixd<16,6>'; expected e.g. fixed<16,6>, "
        + "ufixed<8,0,RND,SAT> or ap_fixed<16,6,AP_RND_CONV,AP_SAT>", error("Model: {Precision: 'fixd<16,6>'}"));
    assertEquals("LayerName.s.SoftmaxMode: unknown softmax mode 'fast'; valid: stable, latency, argmax, integer",
        error("LayerName: {s: {SoftmaxMode: fast}}"));
    assertEquals("Model.Strategy: unknown strategy 'Quick'; valid: Latency, Resource",
        error("Model: {Strategy: Quick}"));
    assertEquals("Model: reuse factor 0 must be at least 1", error("Model: {ReuseFactor: 0}"));
    assertEquals("LayerName.d: table size 1000 must be a power of two in [2, 1048576]",
        error("LayerName: {d: {TableSize: 1000}}"));
    assertEquals("Model.ReuseFactor must be an integer, got \"four\"", error("Model: {ReuseFactor: four}"));
    assertEquals("InputPrecision must map input names to types, e.g. {input_1: 'fixed<16,6>'}",
        error("InputPrecision: 'fixed<16,6>'"));
    assertEquals("LayerName.fc must be a mapping of keys to values, got \"x\"", error("LayerName: {fc: x}"));
  }

  @Test
  void malformedAndDuplicatedDocumentsAreErrors() {
    String dup = error("Model: {ReuseFactor: 1}\nModel: {ReuseFactor: 2}\n");
    assertEquals(true, dup.startsWith("config is not valid YAML or JSON: Duplicate field 'Model'"), dup);
    assertEquals(true, error("Model: [").startsWith("config is not valid YAML or JSON"));
  }

  @Test
  void loadNamesTheFile(@TempDir Path dir) throws Exception {
    Path ok = dir.resolve("c.json");
    Files.writeString(ok, "{\"Model\": {\"Precision\": \"fixed<12,4>\"}}");
    assertEquals(t("fixed<12,4>"), ConfigLoader.load(ok).defaultType());
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, "Model: {Strategy: Quick}");
    assertEquals("bad.yml: Model.Strategy: unknown strategy 'Quick'; valid: Latency, Resource",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(bad)).getMessage());
    assertEquals(true, assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("none.yml")))
        .getMessage().startsWith("cannot read config file "));
  }
}
