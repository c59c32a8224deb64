package dev.tessera.backend.hls;

import java.util.List;

/**
 * The immutable view records the templates print. Java computes every name, width, constant and loop bound; a
 * template only prints fields and loops over lists. Records are public so that Velocity can call their accessors.
 */
public final class Views {

  private Views() {
  }

  /** {@code typedef cpp name;} with a comment. */
  public record TypeDef(String name, String cpp, String comment) {
  }

  /** {@code static const ctype name = value;} inside a config struct. */
  public record Constant(String ctype, String name, String value) {
  }

  /** A layer's config struct in parameters.h. */
  public record Config(String name, String comment, List<TypeDef> types, List<Constant> constants) {
  }

  /** A constant array in firmware/weights/{file}: {@code static const ctype name[count] = { lines };}. */
  public record Weight(String file, String guard, String name, String ctype, long count, List<String> comment,
      List<String> lines) {
  }

  /** A local array of the top function. */
  public record Buffer(String type, String name, long size, String comment) {
  }

  /** One kernel call: {@code function<templateArgs>(args);}, with a comment line. */
  public record Call(String comment, String function, List<String> templateArgs, List<String> args) {
  }

  /**
   * A port of the top function: C name, typedef, element count, and for the test bench the raw width and
   * signedness; {@code tensor}, {@code shape} and {@code fixedType} describe it for humans.
   */
  public record Port(String name, String tensor, String type, long size, int width, boolean signed, String shape,
      String fixedType) {
  }

  /**
   * Everything the project templates print. {@code topPragma} is {@code PIPELINE} for a network of fully unrolled
   * layers and {@code DATAFLOW} when a layer loops (convolutions, pooling, resource strategy).
   */
  public record Project(String top, String guard, String model, String part, String clockNs, List<Port> inputs,
      List<Port> outputs, List<TypeDef> typedefs, List<Config> configs, List<Weight> weights, List<Buffer> buffers,
      List<Call> calls, List<String> layerSummary, String generator, long inputCount, String topPragma) {
  }
}
