package dev.tessera.backend.hls;

import dev.tessera.templates.Templates;
import java.util.Map;

/**
 * Renders the project templates under {@code tessera/hls/}. Templates print C preprocessor lines through {@code $H},
 * which is {@code #}: Velocity would otherwise take {@code #include} and {@code #define} for its own directives.
 */
final class TemplateRenderer {

  static final String TEMPLATE_DIR = "tessera/hls/";

  private final Templates templates = new Templates(TEMPLATE_DIR, Map.of("H", "#"));

  /** Renders {@code tessera/hls/<name>} with the given variables (plus {@code H} = "#"). */
  String render(String name, Map<String, Object> vars) {
    return templates.render(name, vars);
  }
}
