package dev.tessera.ir.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.interp.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy reader and writer against files written by NumPy 2.4 (test resources) and the format description. */
class NpyTest {
  private static final double[] SIX = {-1, -0.5, 0, 0.5, 1, 1.5};

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = NpyTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static NdArray load(String name) throws IOException {
    return Npy.read(resource(name), name);
  }

  @Test
  void readsNumpyFloat32CFloat64BigEndianAndFortranOrder() throws IOException {
    for (String f : new String[] {"c_f4.npy", "c_f8.npy", "be_f8.npy", "fortran_f4.npy", "v2_f4.npy", "v3_f4.npy"}) {
      NdArray a = load(f);
      assertArrayEquals(new long[] {2, 3}, a.shape(), f);
      assertArrayEquals(SIX, a.data(), f);
    }
  }

  @Test
  void readsFortranOrderOfRankThree() throws IOException {
    NdArray a = load("fortran_i2_3d.npy");
    assertArrayEquals(new long[] {2, 3, 4}, a.shape());
    double[] expected = new double[24];
    for (int i = 0; i < 24; i++) {
      expected[i] = i - 12;
    }
    assertArrayEquals(expected, a.data());
  }

  @Test
  void readsIntegerAndBoolTypes() throws IOException {
    assertArrayEquals(new double[] {-2147483648.0, 7, 3, 2147483647.0}, load("be_i4.npy").data());
    assertArrayEquals(new double[] {-0x1p53, 0x1p53, -1}, load("i8.npy").data());
    assertArrayEquals(new double[] {0, 255, 128}, load("u1.npy").data());
    assertArrayEquals(new double[] {0, 18446744073709549568.0}, load("u8.npy").data());
    assertArrayEquals(new double[] {1, 0, 1}, load("bool.npy").data());
  }

  @Test
  void readsHalfFloatsExactly() throws IOException {
    assertArrayEquals(new double[] {1.0, -2.5, 65504, 6.103515625e-05, 5.960464477539063e-08,
        Double.POSITIVE_INFINITY}, load("f2.npy").data());
  }

  @Test
  void readsScalarVectorAndEmptyArrays() throws IOException {
    NdArray s = load("scalar_f8.npy");
    assertEquals(0, s.rank());
    assertArrayEquals(new double[] {3.25}, s.data());
    NdArray v = load("vec_f4.npy");
    assertArrayEquals(new long[] {2}, v.shape());
    NdArray e = load("empty_f4.npy");
    assertArrayEquals(new long[] {0, 4}, e.shape());
    assertEquals(0, e.size());
  }

  @Test
  void writesTheSameBytesAsNumpy() throws IOException {
    NdArray a = new NdArray(new long[] {2, 3}, SIX);
    assertArrayEquals(resource("c_f4.npy"), bytes(a, NpyDType.FLOAT32));
    assertArrayEquals(resource("c_f8.npy"), bytes(a, NpyDType.FLOAT64));
    assertArrayEquals(resource("vec_f4.npy"), bytes(new NdArray(new long[] {2}, new double[] {1.5, 2.5}),
        NpyDType.FLOAT32));
    assertArrayEquals(resource("scalar_f8.npy"), bytes(new NdArray(new long[0], new double[] {3.25}),
        NpyDType.FLOAT64));
    assertArrayEquals(resource("empty_f4.npy"), bytes(new NdArray(new long[] {0, 4}, new double[0]),
        NpyDType.FLOAT32));
  }

  @Test
  void roundTripsEveryTypeThroughAFile(@TempDir Path dir) throws IOException {
    double[] ints = {0, 1, 2, 100, 127};
    for (NpyDType t : NpyDType.values()) {
      double[] values = t == NpyDType.BOOL ? new double[] {0, 1, 1, 0, 1} : ints;
      Path f = dir.resolve(t + ".npy");
      Npy.write(f, new NdArray(new long[] {5, 1}, values), t);
      NdArray back = Npy.read(f);
      assertArrayEquals(values, back.data(), t.toString());
      assertEquals(t, Npy.readHeader(f).dtype());
      assertEquals(0, (Files.size(f) - 5L * t.size()) % 64, "data starts at a multiple of 64");
    }
  }

  @Test
  void float32OutputRoundsToNearestFloat() throws IOException {
    NdArray a = new NdArray(new long[] {1}, new double[] {0.1});
    NdArray back = Npy.read(bytes(a, NpyDType.FLOAT32), "x");
    assertEquals((double) 0.1f, back.data()[0]);
  }

  @Test
  void integerTypesRejectFractionsAndOverflow() {
    NdArray frac = new NdArray(new long[] {1}, new double[] {1.5});
    NdArray big = new NdArray(new long[] {1}, new double[] {256});
    assertThrows(IllegalArgumentException.class, () -> bytes(frac, NpyDType.INT32));
    assertThrows(IllegalArgumentException.class, () -> bytes(big, NpyDType.UINT8));
  }

  @Test
  void halfConversionRoundsToNearestEven() {
    assertEquals(0x3C00, Npy.doubleToHalf(1.0));
    assertEquals(0x7BFF, Npy.doubleToHalf(65504));
    assertEquals(0x7C00, Npy.doubleToHalf(65520));
    assertEquals(0x7BFF, Npy.doubleToHalf(65519.99));
    assertEquals(0x0001, Npy.doubleToHalf(0x1p-24));
    assertEquals(0x0000, Npy.doubleToHalf(0x1p-25));
    assertEquals(0x0002, Npy.doubleToHalf(0x1.8p-24));
    assertEquals(0x0002, Npy.doubleToHalf(0x1.4p-23));
    assertEquals(0x3C00, Npy.doubleToHalf(1 + 0x1p-11));
    assertEquals(0x3C02, Npy.doubleToHalf(1 + 3 * 0x1p-11));
    assertEquals(0x8000, Npy.doubleToHalf(-0.0));
    for (int h = 0; h < 0x7C00; h++) {
      assertEquals(h, Npy.doubleToHalf(Npy.halfToDouble(h)), "half " + h);
      assertEquals(h | 0x8000, Npy.doubleToHalf(Npy.halfToDouble(h | 0x8000)), "half -" + h);
    }
  }

  @Test
  void headerTextMatchesNumpy() {
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
        new NpyHeader(NpyDType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, new long[] {2, 3}).toText());
    assertEquals("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }",
        new NpyHeader(NpyDType.UINT8, ByteOrder.LITTLE_ENDIAN, false, new long[] {5}).toText());
    assertEquals("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
        new NpyHeader(NpyDType.FLOAT64, ByteOrder.LITTLE_ENDIAN, false, new long[0]).toText());
  }

  @Test
  void headerParserAcceptsPythonVariants() {
    NpyHeader h = NpyHeader.parse("{\"shape\": (3L, 4L), \"fortran_order\": True, \"descr\": \">i8\"}", "x");
    assertEquals(NpyDType.INT64, h.dtype());
    assertEquals(ByteOrder.BIG_ENDIAN, h.order());
    assertTrue(h.fortranOrder());
    assertArrayEquals(new long[] {3, 4}, h.shape());
  }

  @Test
  void rejectsBrokenFilesWithConcreteMessages() throws IOException {
    assertMessage("x: file is empty, expected a .npy array", new byte[0]);
    assertMessage("x: not a .npy file (no \\x93NUMPY magic at the start)",
        "hello world, not numpy".getBytes(StandardCharsets.US_ASCII));
    byte[] good = resource("c_f4.npy");
    assertMessage("x: .npy data is truncated: the header promises 24 bytes of data, the file has 20",
        Arrays.copyOf(good, good.length - 4));
    assertMessage("x: .npy file is truncated inside its header", Arrays.copyOf(good, 40));
    assertMessage("x: .npy file has 2 bytes after the data that its header describes",
        Arrays.copyOf(good, good.length + 2));
    assertTrue(message(resource("structured.npy")).contains("structured .npy arrays"));
    byte[] badType = good.clone();
    int at = new String(badType, StandardCharsets.ISO_8859_1).indexOf("<f4");
    badType[at + 1] = 'c';
    assertEquals("x: .npy element type '<c4' is not supported; use float16/32/64, (u)int8/16/32/64 or bool",
        message(badType));
    byte[] badVersion = good.clone();
    badVersion[6] = 9;
    assertEquals("x: .npy format version 9.0 is not supported (1.0, 2.0 and 3.0 are)", message(badVersion));
    byte[] badDict = good.clone();
    badDict[10] = '[';
    assertTrue(message(badDict).startsWith("x: bad .npy header: "), message(badDict));
  }

  private static void assertMessage(String expected, byte[] bytes) {
    assertEquals(expected, message(bytes));
  }

  private static String message(byte[] bytes) {
    return assertThrows(ArrayFormatException.class, () -> Npy.read(bytes, "x")).getMessage();
  }

  private static byte[] bytes(NdArray a, NpyDType t) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, a, t);
    return out.toByteArray();
  }
}
