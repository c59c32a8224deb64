package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import dev.tessera.ir.FixedType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps a generated project self-contained: {@code build} copies the model and the config into the project's
 * {@code tessera/} folder and records them in the project's provenance; {@code verify} and {@code report} rebuild
 * the quantized graph from those copies, so a project can be moved or archived and still be checked.
 */
final class ProjectSources {
  static final String FOLDER = "tessera";
  static final String MODEL = "model";
  static final String CONFIG = "config";
  static final String PRECISION = "precision";

  private ProjectSources() {
  }

  /** The provenance entries to record for a build of {@code model} with {@code precision}. */
  static Map<String, String> provenance(Path model, PrecisionOptions precision) {
    Map<String, String> prov = new LinkedHashMap<>();
    prov.put(MODEL, FOLDER + "/model.onnx");
    Path cfg = precision.configFile();
    if (cfg != null) {
      prov.put(CONFIG, FOLDER + "/config" + configExtension(cfg));
    }
    if (precision.precisionGiven() || cfg == null) {
      prov.put(PRECISION, precision.defaultType().toString());
    }
    prov.put("source_model", model.toAbsolutePath().normalize().toString());
    return prov;
  }

  /** Copies the model and config into {@code dir/tessera/}, where {@link #provenance} says they are. */
  static void copy(Path dir, Path model, PrecisionOptions precision) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(FOLDER));
    Files.copy(model, folder.resolve("model.onnx"));
    Path cfg = precision.configFile();
    if (cfg != null) {
      Files.copy(cfg, folder.resolve("config" + configExtension(cfg)));
    }
  }

  private static String configExtension(Path cfg) {
    return cfg.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? ".json" : ".yaml";
  }

  /** The quantized graph a project was built from, from the copies its provenance names. */
  static Graph rebuild(Path dir, Map<String, String> provenance) throws IOException {
    String model = provenance.get(MODEL);
    if (model == null) {
      throw new UserException("project '" + dir + "' does not record its model (built by an older tessera?);"
          + " rebuild it with 'tessera build'");
    }
    Graph floatGraph = ModelFiles.load(dir.resolve(model));
    PrecisionConfig cfg;
    String config = provenance.get(CONFIG);
    String precision = provenance.get(PRECISION);
    if (config != null) {
      Path file = dir.resolve(config);
      InputFiles.requireFile(file, "config");
      cfg = ConfigLoader.load(file);
      if (precision != null) {
        cfg = new PrecisionConfig(FixedType.parse(precision), cfg.model(), cfg.layers(), cfg.inputs());
      }
    } else {
      cfg = PrecisionConfig.uniform(FixedType.parse(precision != null ? precision : PrecisionOptions.DEFAULT_PRECISION));
    }
    return StandardPipelines.forHardware(cfg).run(floatGraph, PassContext.create());
  }

  /** Creates the parent folder if needed; refuses to replace a folder that is neither empty nor a generated project. */
  static void checkReplaceable(Path out) throws IOException {
    Path parent = out.toAbsolutePath().normalize().getParent();
    if (parent == null) {
      throw new UserException("cannot write output folder '" + out + "': it has no parent folder");
    }
    if (!Files.isDirectory(parent)) {
      if (Files.exists(parent)) {
        throw new UserException("cannot write output folder '" + out + "': '" + parent + "' is a file");
      }
      Files.createDirectories(parent);
    }
    if (Files.isRegularFile(out)) {
      throw new UserException("output folder '" + out + "' exists as a file");
    }
    if (Files.isDirectory(out) && !Files.exists(out.resolve("tessera-project.json"))) {
      try (var s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new UserException("output folder '" + out + "' is not empty and holds no generated project;"
              + " choose a new folder");
        }
      }
    }
  }
}
