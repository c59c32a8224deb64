package dev.tessera.templates;

import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

/**
 * Renders the Velocity templates of one folder on the class path (e.g. {@code tessera/hls/}) in strict mode: a
 * missing reference is an error, not an empty string. Both backends render through this one engine setup.
 */
public final class Templates {
  private final String dir;
  private final Map<String, Object> fixed;
  private final VelocityEngine engine;

  /**
   * @param dir class-path folder of the templates, ending in '/'
   * @param fixed variables every template sees (e.g. {@code H = "#"} for C preprocessor lines)
   */
  public Templates(String dir, Map<String, Object> fixed) {
    this.dir = dir;
    this.fixed = Map.copyOf(fixed);
    Properties p = new Properties();
    p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
    p.setProperty("resource.loader.classpath.class", ClasspathResourceLoader.class.getName());
    p.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
    p.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
    p.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
    engine = new VelocityEngine(p);
    engine.init();
  }

  /** Renders {@code dir + name} with the fixed variables and {@code vars}. */
  public String render(String name, Map<String, Object> vars) {
    Template t = engine.getTemplate(dir + name, "UTF-8");
    VelocityContext ctx = new VelocityContext();
    fixed.forEach(ctx::put);
    vars.forEach(ctx::put);
    StringWriter w = new StringWriter();
    t.merge(ctx, w);
    return w.toString();
  }
}
