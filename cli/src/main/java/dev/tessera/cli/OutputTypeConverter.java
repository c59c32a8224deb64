package dev.tessera.cli;

import dev.tessera.ir.io.NpyDType;
import java.util.Locale;
import picocli.CommandLine;

/** {@code --dtype}: the element type of written samples, float32 or float64. */
final class OutputTypeConverter implements CommandLine.ITypeConverter<NpyDType> {
  @Override
  public NpyDType convert(String value) {
    String n = value.strip().toLowerCase(Locale.ROOT);
    if (n.equals("float32") || n.equals("f4")) {
      return NpyDType.FLOAT32;
    }
    if (n.equals("float64") || n.equals("f8")) {
      return NpyDType.FLOAT64;
    }
    throw new CommandLine.TypeConversionException("'" + value + "' is not float32 or float64");
  }
}
