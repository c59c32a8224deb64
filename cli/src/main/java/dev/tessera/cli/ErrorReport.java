package dev.tessera.cli;

import dev.tessera.ir.diag.TesseraException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;

/**
 * Turns a failure into an exit code and exactly one {@code error: ...} line on stderr (plus the stack trace with
 * {@code --debug}). User errors ({@link TesseraException}, picocli parameter errors, I/O problems with the user's
 * files) give {@link Main#USER_ERROR}; anything else is a bug and gives {@link Main#INTERNAL_ERROR}.
 */
final class ErrorReport {
  private final PrintWriter err;
  private final boolean debug;

  ErrorReport(PrintWriter err, boolean debug) {
    this.err = err;
    this.debug = debug;
  }

  /** True when {@code --debug} appears among the options (before a {@code --} end-of-options marker). */
  static boolean debugRequested(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--debug")) {
        return true;
      }
    }
    return false;
  }

  /** A command-line error from picocli. */
  int usage(CommandLine.ParameterException ex) {
    String command = ex.getCommandLine() == null ? "tessera"
        : ex.getCommandLine().getCommandSpec().qualifiedName();
    String msg = lowerFirst(oneLine(ex.getMessage()));
    if (ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine() != null
        && !ex.getCommandLine().getSubcommands().isEmpty() && !u.getUnmatched().isEmpty()
        && !u.getUnmatched().get(0).startsWith("-")) {
      msg = "unknown command '" + u.getUnmatched().get(0) + "'; one of "
          + String.join(", ", ex.getCommandLine().getSubcommands().keySet());
    }
    if (!msg.contains("--help")) {
      msg += " (see '" + command + " --help')";
    }
    return print(Main.USER_ERROR, msg, ex);
  }

  /** A failure while running a command. */
  int failure(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof CommandLine.ParameterException pe) {
      return usage(pe);
    }
    if (t instanceof TesseraException) {
      return print(Main.USER_ERROR, oneLine(t.getMessage()), thrown);
    }
    if (t instanceof IOException io) {
      return print(Main.USER_ERROR, describe(io), thrown);
    }
    if (t instanceof OutOfMemoryError) {
      return print(Main.INTERNAL_ERROR, "out of memory; give java a larger heap (JAVA_TOOL_OPTIONS=-Xmx8g) "
          + "or use a smaller --batch", thrown);
    }
    String detail = t.getMessage() == null ? "" : ": " + oneLine(t.getMessage());
    return print(Main.INTERNAL_ERROR, "internal error: " + t.getClass().getSimpleName() + detail
        + (debug ? "" : " (a bug in tessera; rerun with --debug for the stack trace)"), thrown);
  }

  private int print(int code, String message, Throwable thrown) {
    err.println("error: " + message);
    if (debug) {
      thrown.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    for (int i = 0; i < 10; i++) {
      Throwable next = null;
      if (cur instanceof CommandLine.ExecutionException || cur instanceof ExecutionException
          || cur instanceof InvocationTargetException || cur instanceof UncheckedIOException) {
        next = cur.getCause();
      }
      if (next == null) {
        return cur;
      }
      cur = next;
    }
    return cur;
  }

  /** A one-line description of an I/O failure that names the file. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException f) {
      return "no such file or folder: '" + f.getFile() + "'";
    }
    if (e instanceof AccessDeniedException f) {
      return "permission denied: '" + f.getFile() + "'";
    }
    if (e instanceof NotDirectoryException f) {
      return "not a folder: '" + f.getFile() + "'";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return "already exists: '" + f.getFile() + "'";
    }
    if (e instanceof DirectoryNotEmptyException f) {
      return "folder is not empty: '" + f.getFile() + "'";
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String reason = f.getReason() == null ? "i/o error" : lowerFirst(f.getReason());
      return "cannot access '" + f.getFile() + "': " + reason;
    }
    return "i/o error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : oneLine(e.getMessage()));
  }

  static String oneLine(String s) {
    if (s == null || s.isBlank()) {
      return "(no message)";
    }
    // "2 problems:\n  a\n  b" reads "2 problems: a; b": a line that ends in a colon introduces a list
    return s.strip().replaceAll(":\\s*\\R\\s*", ": ").replaceAll("\\s*\\R\\s*", "; ");
  }

  static String lowerFirst(String s) {
    if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && !Character.isUpperCase(s.charAt(1))) {
      return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
    return s;
  }
}
