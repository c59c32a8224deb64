package dev.tessera.backend.verilog;

import dev.tessera.templates.Templates;
import java.util.Map;

/**
 * Renders the templates under {@code tessera/rtl/}. Verilog text that Velocity would parse ({@code $signed},
 * {@code #(}) never appears literally in a template: Java computes those lines and the template prints them as
 * values, which Velocity does not parse again.
 */
final class Renderer {
  static final String DIR = "tessera/rtl/";

  private final Templates templates = new Templates(DIR, Map.of());

  String render(String name, Map<String, Object> vars) {
    return templates.render(name, vars);
  }
}
