package dev.tessera.backend.verilog.rtl;

import dev.tessera.ir.arith.Range;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of one generated module, built by Java and printed by a template: ports, declarations, continuous
 * assignments, datapath registers (no reset, no enable: the pipeline runs free) and the valid shift register of its
 * latency (reset). It tracks which bits of each signal are read, so that a signal with bits nobody reads gets a lint
 * waiver naming the signal and the reason, instead of a blanket one.
 */
public final class RtlModule implements Bits.Usage {

  /** A port line. {@code before}/{@code after} hold a lint waiver pair or are empty. */
  public record PortView(String decl, String name, String before, String after, boolean last) {}

  /** A declaration line with an optional waiver pair around it. */
  public record DeclView(String text, String before, String after) {}

  /** Everything a module template prints. */
  public record ModuleView(String name, List<String> comments, List<PortView> ports, List<DeclView> decls,
      List<String> assigns, List<String> regs, List<String> initials, int latency, String validShift,
      int validMsb, String validZero) {}

  private record Decl(Sig sig, boolean isReg, String reason) {}

  private record Port(String dir, Sig sig, String reason) {}

  /** Verilog-2005 and SystemVerilog keywords: never used as generated names. */
  static final Set<String> KEYWORDS = Set.of("always", "and", "assign", "automatic", "begin", "buf", "bufif0",
      "bufif1", "case", "casex", "casez", "cell", "cmos", "config", "deassign", "default", "defparam", "design",
      "disable", "edge", "else", "end", "endcase", "endconfig", "endfunction", "endgenerate", "endmodule",
      "endprimitive", "endspecify", "endtable", "endtask", "event", "for", "force", "forever", "fork", "function",
      "generate", "genvar", "highz0", "highz1", "if", "ifnone", "incdir", "include", "initial", "inout", "input",
      "instance", "integer", "join", "large", "liblist", "library", "localparam", "macromodule", "medium", "module",
      "nand", "negedge", "nmos", "nor", "noshowcancelled", "not", "notif0", "notif1", "or", "output", "parameter",
      "pmos", "posedge", "primitive", "pull0", "pull1", "pulldown", "pullup", "pulsestyle_onevent",
      "pulsestyle_ondetect", "rcmos", "real", "realtime", "reg", "release", "repeat", "rnmos", "rpmos", "rtran",
      "rtranif0", "rtranif1", "scalared", "showcancelled", "signed", "small", "specify", "specparam", "strong0",
      "strong1", "supply0", "supply1", "table", "task", "time", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1",
      "triand", "trior", "trireg", "unsigned", "use", "uwire", "vectored", "wait", "wand", "weak0", "weak1", "while",
      "wire", "wor", "xnor", "xor", "bit", "byte", "logic", "int", "shortint", "longint", "string", "struct",
      "union", "enum", "typedef", "class", "interface", "package", "import", "export", "const", "return", "break",
      "continue", "do", "foreach", "final", "program", "property", "sequence", "assert", "assume", "cover",
      "bind", "chandle", "clocking", "constraint", "context", "covergroup", "dist", "expect", "extends", "extern",
      "first_match", "forkjoin", "ignore_bins", "illegal_bins", "inside", "intersect", "local", "matches",
      "modport", "new", "null", "packed", "priority", "protected", "pure", "rand", "randc", "randcase",
      "randsequence", "ref", "solve", "static", "super", "tagged", "this", "throughout", "type", "unique", "var",
      "virtual", "void", "wait_order", "wildcard", "with", "within", "alias", "always_comb", "always_ff",
      "always_latch", "before", "binsof", "bins", "endclass", "endclocking", "endgroup", "endinterface",
      "endpackage", "endprogram", "endproperty", "endsequence", "timeprecision", "timeunit");

  private final String name;
  private final List<String> comments = new ArrayList<>();
  private final List<Port> ports = new ArrayList<>();
  private final List<Decl> decls = new ArrayList<>();
  private final List<String> assigns = new ArrayList<>();
  private final List<String> regs = new ArrayList<>();
  private final List<String> initials = new ArrayList<>();
  private final List<String> memories = new ArrayList<>();
  private final Map<String, BitSet> read = new HashMap<>();
  private final Set<String> used = new HashSet<>();
  private final Map<String, Integer> counters = new LinkedHashMap<>();
  private int latency;

  public RtlModule(String name) {
    this.name = name;
    for (String reserved : List.of("clk", "rst_n", "in_valid", "out_valid", "valid_q")) {
      used.add(reserved);
    }
  }

  public String name() {
    return name;
  }

  public void comment(String line) {
    comments.add(line);
  }

  public int latency() {
    return latency;
  }

  public void latency(int cycles) {
    if (cycles < 0) {
      throw new IllegalArgumentException("latency " + cycles + " must not be negative");
    }
    latency = cycles;
  }

  /** A fresh identifier from a hint. */
  public String fresh(String hint) {
    String base = hint.replaceAll("[^A-Za-z0-9_]", "_");
    if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
      base = "s_" + base;
    }
    if (KEYWORDS.contains(base)) {
      base = base + "_s";
    }
    String n = base;
    while (used.contains(n)) {
      int c = counters.merge(base, 1, Integer::sum);
      n = base + "_" + c;
    }
    used.add(n);
    return n;
  }

  /** An input port of {@code width} bits; {@code unusedReason} explains bits that may stay unread. */
  public Sig input(String portName, int width, String unusedReason) {
    used.add(portName);
    Sig s = Sig.named(portName, width, false, new Range(BigInteger.ZERO, BigInteger.ONE.shiftLeft(width)
        .subtract(BigInteger.ONE)));
    ports.add(new Port("input  wire", s, unusedReason));
    return s;
  }

  /** An output port driven by {@code expr} (exactly {@code width} bits). */
  public void output(String portName, int width, String expr) {
    used.add(portName);
    Sig s = Sig.named(portName, width, false, Range.of(0, 0));
    ports.add(new Port("output wire", s, null));
    assigns.add("assign " + portName + " = " + expr + ";");
  }

  /** A wire with its value; {@code unusedReason} (or null) explains bits that may stay unread. */
  public Sig wire(String hint, int width, boolean signed, Range range, String expr, String unusedReason) {
    Sig s = Sig.named(fresh(hint), width, signed, range);
    decls.add(new Decl(s, false, unusedReason));
    assigns.add("assign " + s.name() + " = " + expr + ";");
    return s;
  }

  /** A wire assigned in parts by {@link #assign}. */
  public Sig wire(String hint, int width, boolean signed, Range range, String unusedReason) {
    Sig s = Sig.named(fresh(hint), width, signed, range);
    decls.add(new Decl(s, false, unusedReason));
    return s;
  }

  public void assign(String lhs, String expr) {
    assigns.add("assign " + lhs + " = " + expr + ";");
  }

  /** A register loaded every clock with {@code d} (same width and meaning). */
  public Sig reg(String hint, Sig d, String unusedReason) {
    Sig q = Sig.named(fresh(hint), d.width(), d.signed(), d.range());
    decls.add(new Decl(q, true, unusedReason));
    regs.add(q.name() + " <= " + Bits.value(d, d.width(), this) + ";");
    return q;
  }

  /** A register loaded every clock with an expression of exactly {@code width} bits. */
  public Sig reg(String hint, int width, boolean signed, Range range, String expr, String unusedReason) {
    Sig q = Sig.named(fresh(hint), width, signed, range);
    decls.add(new Decl(q, true, unusedReason));
    regs.add(q.name() + " <= " + expr + ";");
    return q;
  }

  /**
   * A read-only memory of {@code values} ({@code width}-bit two's complement each), initialised in an initial block
   * so that synthesis infers a ROM (block RAM or LUTs). Returns its name.
   */
  public String rom(String hint, int width, long[] values) {
    String n = fresh(hint);
    memories.add("reg  " + range(width) + " " + n + " [0:" + (values.length - 1) + "];");
    for (int i = 0; i < values.length; i++) {
      initials.add(n + "[" + i + "] = " + Bits.literal(BigInteger.valueOf(values[i]), width) + ";");
    }
    return n;
  }

  /** A register loaded every clock with entry {@code index} (an expression) of ROM {@code rom}. */
  public Sig romRead(String hint, String rom, int width, boolean signed, Range range, String index) {
    return reg(hint, width, signed, range, rom + "[" + index + "]", null);
  }

  @Override
  public void read(Sig s, int lo, int hi) {
    if (s.isConstant()) {
      return;
    }
    read.computeIfAbsent(s.name(), k -> new BitSet()).set(lo, hi + 1);
  }

  /** Marks every bit of {@code s} as read. */
  public void readAll(Sig s) {
    read(s, 0, s.width() - 1);
  }

  /** The view for the template; computes the waivers of signals with unread bits. */
  public ModuleView view() {
    List<PortView> pv = new ArrayList<>();
    boolean comb = latency == 0;
    String combReason = "combinational layer (latency 0): clk and rst_n are kept for a uniform interface";
    pv.add(port("input  wire", "clk", comb ? combReason : null));
    pv.add(port("input  wire", "rst_n", comb ? combReason : null));
    pv.add(port("input  wire", "in_valid", null));
    for (Port p : ports) {
      if (p.dir().startsWith("input")) {
        String reason = unread(p.sig()) ? (p.reason() != null ? p.reason() : "some input bits are not needed") : null;
        pv.add(port(p.dir() + " " + range(p.sig().width()), p.sig().name(), reason));
      }
    }
    pv.add(port("output wire", "out_valid", null));
    for (Port p : ports) {
      if (p.dir().startsWith("output")) {
        pv.add(port(p.dir() + " " + range(p.sig().width()), p.sig().name(), null));
      }
    }
    List<PortView> ordered = new ArrayList<>();
    for (int i = 0; i < pv.size(); i++) {
      PortView p = pv.get(i);
      ordered.add(new PortView(p.decl(), p.name(), p.before(), p.after(), i == pv.size() - 1));
    }
    List<DeclView> dv = new ArrayList<>();
    for (Decl d : decls) {
      String text = (d.isReg() ? "reg  " : "wire ") + range(d.sig().width()) + " " + d.sig().name() + ";";
      if (unread(d.sig())) {
        String reason = describeUnread(d.sig(), d.reason());
        dv.add(new DeclView(text, "/* verilator lint_off UNUSEDSIGNAL */ // " + d.sig().name() + ": " + reason,
            "/* verilator lint_on UNUSEDSIGNAL */"));
      } else {
        dv.add(new DeclView(text, "", ""));
      }
    }
    String shift = latency <= 1 ? "in_valid" : "{valid_q[" + (latency - 2) + ":0], in_valid}";
    for (String mem : memories) {
      dv.add(new DeclView(mem, "", ""));
    }
    return new ModuleView(name, comments, ordered, dv, assigns, regs, initials, latency, shift, latency - 1,
        latency + "'h0");
  }

  private static PortView port(String decl, String portName, String reason) {
    if (reason == null) {
      return new PortView(decl, portName, "", "", false);
    }
    return new PortView(decl, portName, "/* verilator lint_off UNUSEDSIGNAL */ // " + portName + ": " + reason,
        "/* verilator lint_on UNUSEDSIGNAL */", false);
  }

  /**
   * Which bits of a signal nobody reads, and why: low bits are dropped by rounding or truncation downstream; high
   * bits exceed what every use needs (each use has exact bounds of its own, narrower when operands are correlated).
   */
  private String describeUnread(Sig s, String given) {
    BitSet b = read.get(s.name());
    if (b == null || b.isEmpty()) {
      return given != null ? given : "not read by any use";
    }
    int lo = b.nextSetBit(0);
    int hi = b.length() - 1;
    List<String> parts = new ArrayList<>();
    if (lo > 0) {
      parts.add("bits [" + (lo - 1) + ":0] are dropped by rounding downstream");
    }
    if (hi < s.width() - 1) {
      parts.add("bits [" + (s.width() - 1) + ":" + (hi + 1) + "] exceed the exact bounds every use needs");
    }
    if (b.cardinality() < hi - lo + 1) {
      parts.add("some middle bits are not needed by any use");
    }
    String what = String.join("; ", parts);
    return given != null && parts.isEmpty() ? given : what;
  }

  private boolean unread(Sig s) {
    BitSet b = read.get(s.name());
    return b == null || b.cardinality() < s.width();
  }

  static String range(int width) {
    return "[" + (width - 1) + ":0]";
  }
}
