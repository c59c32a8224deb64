package dev.tessera.cli;

import dev.tessera.ir.FixedType;
import dev.tessera.ir.Graph;
import dev.tessera.passes.PassContext;
import dev.tessera.passes.StandardPipelines;
import dev.tessera.passes.config.ConfigLoader;
import dev.tessera.passes.config.PrecisionConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that choose a fixed-point precision, shared by every command that quantizes a model:
 * {@code --precision TYPE} (the default type of every tensor, {@code fixed<16,6>} unless given) and
 * {@code --config CFG} (a per-layer precision config; see docs/cli.md).
 */
final class PrecisionOptions {
  /** The default precision when neither option is given, as in hls4ml. */
  static final String DEFAULT_PRECISION = "fixed<16,6>";

  @Option(names = "--precision", paramLabel = "TYPE", converter = FixedTypeConverter.class,
      description = "Default fixed-point type of every tensor, e.g. 'fixed<16,6>' (the default), "
          + "'fixed<18,8,RND,SAT>', 'ap_fixed<16,6>'. With --config it replaces the config's default.")
  private FixedType precision;

  @Option(names = "--config", paramLabel = "CFG",
      description = "Precision config (YAML or JSON): default and per-layer types, as in docs/cli.md.")
  private Path config;

  private PrecisionConfig loaded;

  /** The --config file, or null. */
  Path configFile() {
    return config;
  }

  /** True when --precision was given. */
  boolean precisionGiven() {
    return precision != null;
  }

  /** True when either option was given. */
  boolean given() {
    return precision != null || config != null;
  }

  /** The default type in force: --precision, else fixed<16,6>. */
  FixedType defaultType() {
    return precision != null ? precision : FixedType.parse(DEFAULT_PRECISION);
  }

  /** A short description for messages, e.g. {@code fixed<16,6>} or {@code config cfg.yaml}. */
  String describe() {
    if (config == null) {
      return defaultType().toString();
    }
    return "config " + config + (precision != null ? ", default " + precision : "");
  }

  /** The precision config these options describe (the file is read once; call early to fail fast). */
  PrecisionConfig precisionConfig() {
    if (loaded == null) {
      if (config == null) {
        loaded = PrecisionConfig.uniform(defaultType());
      } else {
        InputFiles.requireFile(config, "config");
        PrecisionConfig c = ConfigLoader.load(config);
        loaded = precision != null ? new PrecisionConfig(precision, c.model(), c.layers(), c.inputs()) : c;
      }
    }
    return loaded;
  }

  /**
   * The float graph made hardware-ready: the standard pipeline with these precisions. The pipeline's warnings go to
   * {@code warnings}, one {@code warning: ...} line each.
   */
  Graph lower(Graph floatGraph, PrintWriter warnings) {
    return lower(floatGraph, precisionConfig(), warnings);
  }

  /** The float graph made hardware-ready with {@code config}; warnings as above (null: dropped). */
  static Graph lower(Graph floatGraph, PrecisionConfig config, PrintWriter warnings) {
    PassContext ctx = PassContext.create();
    Graph g = StandardPipelines.forHardware(config).run(floatGraph, ctx);
    if (warnings != null) {
      for (String w : ctx.warnings()) {
        warnings.println("warning: " + ErrorReport.oneLine(w));
      }
      warnings.flush();
    }
    return g;
  }
}
