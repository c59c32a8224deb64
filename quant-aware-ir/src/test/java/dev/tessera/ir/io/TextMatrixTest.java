package dev.tessera.ir.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.ir.interp.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV and whitespace text matrices, and the extension dispatch of {@link ArrayFiles}. */
class TextMatrixTest {
  private static final double[] SIX = {-1, -0.5, 0, 0.5, 1, 1.5};

  private static String resource(String name) throws IOException {
    try (InputStream in = TextMatrixTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void readsNumpySavetxtOutput() throws IOException {
    NdArray dat = TextMatrix.WHITESPACE.read(resource("np_savetxt.dat"), "dat");
    assertArrayEquals(new long[] {2, 3}, dat.shape());
    assertArrayEquals(SIX, dat.data());
    NdArray csv = TextMatrix.CSV.read(resource("np_savetxt.csv"), "csv");
    assertArrayEquals(SIX, csv.data());
  }

  @Test
  void skipsAHeaderRowCommentsAndBlankLines() {
    NdArray a = TextMatrix.CSV.read("x0, x1\n\n# comment\n1, 2e-3\n-3,.5\n", "t");
    assertArrayEquals(new long[] {2, 2}, a.shape());
    assertArrayEquals(new double[] {1, 2e-3, -3, 0.5}, a.data());
    NdArray b = TextMatrix.WHITESPACE.read("  1\t2   3\n4 5 6\n", "t");
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, b.data());
  }

  @Test
  void readsNanAndInfinity() {
    NdArray a = TextMatrix.CSV.read("nan,inf,-inf\n", "t");
    assertEquals(Double.POSITIVE_INFINITY, a.data()[1]);
    assertEquals(Double.NEGATIVE_INFINITY, a.data()[2]);
    assertEquals(true, Double.isNaN(a.data()[0]));
  }

  @Test
  void rejectsRaggedRowsBadNumbersAndEmptyFiles() {
    assertEquals("t: line 2 has 2 values; the rows before it have 3",
        assertThrows(ArrayFormatException.class, () -> TextMatrix.CSV.read("1,2,3\n4,5\n", "t")).getMessage());
    assertEquals("t: line 2, column 2: '0x10' is not a number",
        assertThrows(ArrayFormatException.class, () -> TextMatrix.CSV.read("1,2\n3,0x10\n", "t")).getMessage());
    assertEquals("t: line 1, column 2: 'abc' is not a number",
        assertThrows(ArrayFormatException.class, () -> TextMatrix.WHITESPACE.read("1 abc\n", "t")).getMessage());
    assertEquals("t: no data rows (one sample per line expected)",
        assertThrows(ArrayFormatException.class, () -> TextMatrix.CSV.read("", "t")).getMessage());
    assertEquals("t: no data rows (one sample per line expected)",
        assertThrows(ArrayFormatException.class, () -> TextMatrix.CSV.read("a,b\n", "t")).getMessage());
  }

  @Test
  void writesOneRowPerSampleAndReadsItBack(@TempDir Path dir) throws IOException {
    NdArray a = new NdArray(new long[] {2, 1, 3}, new double[] {0.1, -2, 3e-9, 4, 5, Double.NaN});
    Path csv = dir.resolve("y.csv");
    ArrayFiles.write(csv, a, NpyDType.FLOAT32);
    assertEquals("0.1,-2.0,3.0E-9\n4.0,5.0,nan\n", Files.readString(csv));
    Path dat = dir.resolve("y.dat");
    ArrayFiles.write(dat, a, NpyDType.FLOAT64);
    NdArray back = ArrayFiles.read(dat);
    assertArrayEquals(new long[] {2, 3}, back.shape());
    assertArrayEquals(a.data(), back.data());
    NdArray back32 = ArrayFiles.read(csv);
    assertEquals(0.1f, (float) back32.data()[0]);
    assertEquals(3e-9f, (float) back32.data()[2]);
  }

  @Test
  void dispatchesByExtension(@TempDir Path dir) throws IOException {
    NdArray a = new NdArray(new long[] {2, 3}, SIX);
    Path npy = dir.resolve("A.NPY");
    ArrayFiles.write(npy, a, NpyDType.FLOAT64);
    assertArrayEquals(SIX, ArrayFiles.read(npy).data());
    Path other = dir.resolve("a.json");
    assertEquals("'" + other + "' has an unsupported extension; use .npy, .csv, .dat or .txt",
        assertThrows(ArrayFormatException.class, () -> ArrayFiles.write(other, a, NpyDType.FLOAT32))
            .getMessage());
    assertEquals(false, ArrayFiles.isSupported(other));
    assertEquals(true, ArrayFiles.isSupported(dir.resolve("x.txt")));
  }
}
