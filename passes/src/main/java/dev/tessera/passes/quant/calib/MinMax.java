package dev.tessera.passes.quant.calib;

/** The exact smallest and largest sample. */
public record MinMax() implements CalibrationMethod {

  @Override
  public Range range(double[] values) {
    Samples.check(values);
    return Samples.minMax(values);
  }

  @Override
  public boolean clips() {
    return false;
  }

  @Override
  public String describe() {
    return "minmax";
  }
}
