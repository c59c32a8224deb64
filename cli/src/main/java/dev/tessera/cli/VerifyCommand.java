package dev.tessera.cli;

import dev.tessera.ir.Graph;
import dev.tessera.ir.interp.NdArray;
import dev.tessera.ir.io.ArrayFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tessera verify DIR}: compares every output bit of a generated project with the fixed interpreter. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {
        "Checks a folder written by 'tessera build' bit for bit against the fixed-point interpreter.",
        "HLS project: compiled once with g++ -O2 -std=c++17, test bench run on the vectors. RTL folder: Verilator"
            + " harness built once, vectors streamed through the AXI-Stream wrapper with random input gaps and"
            + " output back-pressure; the measured latency must equal the documented one.",
        "Exit code 0 when every bit matches, 1 on any mismatch, 2 on a user error."})
final class VerifyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Project folder written by 'tessera build'.")
  private Path dir;

  @Option(names = "--vectors", paramLabel = "N", defaultValue = "1000",
      description = "Number of random vectors on the input type's grid (default ${DEFAULT-VALUE}).")
  private int vectors;

  @Option(names = "--input", paramLabel = "X", description = "Use these samples (.npy, .csv, .dat), quantized to the"
      + " input type, instead of random vectors (HLS projects and RTL folders).")
  private Path input;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the random vectors.")
  private long seed;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Verification.kind(dir);
    Graph g = ProjectSources.rebuild(dir, Verification.provenance(dir));
    NdArray x = null;
    if (input != null) {
      InputFiles.requireFile(input, "input");
      x = ArrayFiles.read(input);
    }
    return Verification.run(dir, g, vectors, seed, x, spec.commandLine().getOut());
  }
}
