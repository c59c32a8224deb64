package dev.tessera.passes;

import dev.tessera.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a pass may use besides the graph: string options, optional sample input data (for calibration), a sink for
 * warnings and a progress reporter. Warnings are collected in order; a pass never prints.
 */
public final class PassContext {
  private final Map<String, String> options;
  private final Map<String, NdArray> samples;
  private final Consumer<String> progress;
  private final List<String> warnings = new ArrayList<>();

  private PassContext(Map<String, String> options, Map<String, NdArray> samples, Consumer<String> progress) {
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    this.samples = samples == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(samples));
    this.progress = progress;
  }

  /** No options, no samples, progress discarded. */
  public static PassContext create() {
    return new PassContext(Map.of(), null, s -> { });
  }

  /** A context with the given options (and this one's samples and progress reporter, but no warnings). */
  public PassContext withOptions(Map<String, String> opts) {
    return new PassContext(opts, samples, progress);
  }

  /** A context with sample inputs by graph input name. */
  public PassContext withSamples(Map<String, NdArray> s) {
    return new PassContext(options, s, progress);
  }

  /** A context that reports progress messages to {@code p}. */
  public PassContext withProgress(Consumer<String> p) {
    return new PassContext(options, samples, p);
  }

  /** An option's value, or {@code fallback}. */
  public String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  public Map<String, String> options() {
    return options;
  }

  /** Sample inputs, when the caller gave some. */
  public Optional<Map<String, NdArray>> samples() {
    return Optional.ofNullable(samples);
  }

  /** Records a warning (lower case, concrete, naming the node). */
  public void warn(String message) {
    warnings.add(message);
  }

  /** Warnings so far, in order. */
  public List<String> warnings() {
    return Collections.unmodifiableList(warnings);
  }

  /** Reports progress (e.g. the pass being run). */
  public void progress(String message) {
    progress.accept(message);
  }
}
