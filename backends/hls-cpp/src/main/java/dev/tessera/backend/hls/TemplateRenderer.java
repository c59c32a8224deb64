package dev.tessera.backend.hls;

import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

/**
 * Renders the project templates under {@code tessera/hls/} on the class path with Velocity in strict mode (a
 * missing reference is an error). Templates print C preprocessor lines through {@code $H}, which is {@code #}:
 * Velocity would otherwise take {@code #include} and {@code #define} for its own directives.
 */
final class TemplateRenderer {

  static final String TEMPLATE_DIR = "tessera/hls/";

  private final VelocityEngine engine;

  TemplateRenderer() {
    Properties p = new Properties();
    p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
    p.setProperty("resource.loader.classpath.class", ClasspathResourceLoader.class.getName());
    p.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
    p.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
    p.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
    engine = new VelocityEngine(p);
    engine.init();
  }

  /** Renders {@code tessera/hls/<name>} with the given variables (plus {@code H} = "#"). */
  String render(String name, Map<String, Object> vars) {
    Template t = engine.getTemplate(TEMPLATE_DIR + name, "UTF-8");
    VelocityContext ctx = new VelocityContext();
    ctx.put("H", "#");
    for (Map.Entry<String, Object> e : vars.entrySet()) {
      ctx.put(e.getKey(), e.getValue());
    }
    StringWriter w = new StringWriter();
    t.merge(ctx, w);
    return w.toString();
  }
}
