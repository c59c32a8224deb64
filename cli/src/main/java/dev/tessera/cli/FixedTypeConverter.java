package dev.tessera.cli;

import dev.tessera.ir.FixedType;
import picocli.CommandLine;

/** Parses {@code fixed<16,6>}, {@code ap_fixed<18,8,AP_RND,AP_SAT>}, {@code int<8>} ... for picocli options. */
final class FixedTypeConverter implements CommandLine.ITypeConverter<FixedType> {
  @Override
  public FixedType convert(String value) {
    try {
      return FixedType.parse(value.strip());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
