package dev.tessera.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code tessera} command. Each subcommand is one class listed in {@code subcommands} below. Exit codes:
 * {@link #OK} on success, {@link #USER_ERROR} for anything the user can fix (bad file, unsupported op, shape error,
 * bad option) with exactly one {@code error: ...} line on stderr, {@link #INTERNAL_ERROR} for a bug. No stack trace
 * is printed unless {@code --debug} is given.
 */
@Command(name = "tessera", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Compiles ONNX neural networks to fixed-point FPGA designs (HLS C++ and Verilog), "
        + "bit-exact with the IR's fixed-point interpreter.",
    subcommands = {
        InspectCommand.class,
        PredictCommand.class,
        BenchCommand.class,
        QuantizeCommand.class,
        PruneCommand.class,
        BuildCommand.class,
        VerifyCommand.class,
        ReportCommand.class,
    })
public final class Main implements Callable<Integer> {
  public static final int OK = 0;
  public static final int INTERNAL_ERROR = 1;
  public static final int USER_ERROR = 2;

  @Spec
  private CommandSpec spec;

  // declared so that every command accepts it; the error handler reads it from the raw arguments
  // (ErrorReport.debugRequested) because a parse error can happen before picocli sets this field
  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "On an error, print the full stack trace to stderr.")
  private boolean debug;

  /** Runs a command with System.out and System.err and returns its exit code; never calls System.exit. */
  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  /** Runs a command with the given streams (UTF-8) and returns its exit code. */
  public static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    try {
      return run(o, e, args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  /** Runs a command with the given writers and returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    boolean debug = ErrorReport.debugRequested(args);
    ErrorReport report = new ErrorReport(err, debug);
    try {
      CommandLine cmd = new CommandLine(new Main());
      cmd.setOut(out);
      cmd.setErr(err);
      cmd.setCaseInsensitiveEnumValuesAllowed(true);
      cmd.setParameterExceptionHandler((ex, a) -> report.usage(ex));
      cmd.setExecutionExceptionHandler((ex, c, parseResult) -> report.failure(ex));
      return cmd.execute(args);
    } catch (Throwable t) {
      return report.failure(t);
    } finally {
      out.flush();
      err.flush();
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Without a subcommand: a usage error that names the commands. */
  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command; one of " + String.join(", ", spec.subcommands().keySet())
            + " (see 'tessera --help')");
  }

  /** The version from the jar manifest, or "development build" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tessera " + (v == null ? "(development build)" : v)};
    }
  }
}
