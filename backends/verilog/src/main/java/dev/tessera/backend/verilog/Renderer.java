package dev.tessera.backend.verilog;

import java.io.StringWriter;
import java.util.Map;
import java.util.Properties;
import org.apache.velocity.Template;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;
import org.apache.velocity.runtime.RuntimeConstants;
import org.apache.velocity.runtime.resource.loader.ClasspathResourceLoader;

/**
 * Renders the templates under {@code tessera/rtl/} with Velocity in strict mode (a missing reference is an error).
 * Verilog text that Velocity would parse ({@code $signed}, {@code #(}) never appears literally in a template: Java
 * computes those lines and the template prints them as values, which Velocity does not parse again.
 */
final class Renderer {
  static final String DIR = "tessera/rtl/";

  private final VelocityEngine engine;

  Renderer() {
    Properties p = new Properties();
    p.setProperty(RuntimeConstants.RESOURCE_LOADERS, "classpath");
    p.setProperty("resource.loader.classpath.class", ClasspathResourceLoader.class.getName());
    p.setProperty(RuntimeConstants.RUNTIME_REFERENCES_STRICT, "true");
    p.setProperty(RuntimeConstants.INPUT_ENCODING, "UTF-8");
    p.setProperty(RuntimeConstants.SPACE_GOBBLING, "lines");
    engine = new VelocityEngine(p);
    engine.init();
  }

  String render(String name, Map<String, Object> vars) {
    Template t = engine.getTemplate(DIR + name, "UTF-8");
    VelocityContext ctx = new VelocityContext();
    vars.forEach(ctx::put);
    StringWriter w = new StringWriter();
    t.merge(ctx, w);
    return w.toString();
  }
}
