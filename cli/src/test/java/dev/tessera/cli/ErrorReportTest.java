package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ErrorReportTest {

  @Test
  void aListIntroducedByAColonReadsAsOneSentence() {
    assertEquals("hls backend: 2 problems: node 'a' (Erf): unsupported; node 'b' (Pow): unsupported",
        ErrorReport.oneLine("hls backend: 2 problems:\n  node 'a' (Erf): unsupported\n  node 'b' (Pow): unsupported"));
  }

  @Test
  void linesAreJoinedWithSemicolonsAndBlankMessagesAreNamed() {
    assertEquals("first; second", ErrorReport.oneLine("  first \n\n second\n"));
    assertEquals("(no message)", ErrorReport.oneLine(" \n"));
    assertEquals("(no message)", ErrorReport.oneLine(null));
  }
}
