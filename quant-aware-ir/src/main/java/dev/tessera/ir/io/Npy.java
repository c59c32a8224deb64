package dev.tessera.ir.io;

import dev.tessera.ir.interp.NdArray;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): a magic string {@code \x93NUMPY},
 * a version, a little-endian header length, a Python dict literal (see {@link NpyHeader}) padded so that the data
 * starts at a multiple of 64 bytes, then the raw data. Reading accepts every {@link NpyDType} in either byte order
 * and C or Fortran order and returns row-major doubles (64-bit integers beyond 2^53 lose precision); writing is
 * always little-endian, C order, version 1.0 unless the header needs more than 65,535 bytes.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;

  private Npy() {
  }

  /** Reads a whole file; content errors are {@link ArrayFormatException}s naming the file. */
  public static NdArray read(Path file) throws IOException {
    return read(Files.readAllBytes(file), file.toString());
  }

  /** Reads the header of a file (the data is not checked). */
  public static NpyHeader readHeader(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return header(bytes, file.toString()).header;
  }

  /** Parses the bytes of a .npy file; {@code source} names it in messages. */
  public static NdArray read(byte[] bytes, String source) {
    Parsed p = header(bytes, source);
    NpyHeader h = p.header;
    long count = h.count();
    long need = count * h.dtype().size();
    long have = bytes.length - (long) p.dataOffset;
    if (have < need) {
      throw new ArrayFormatException(source + ": .npy data is truncated: the header promises " + need
          + " bytes of data, the file has " + have);
    }
    if (have > need) {
      throw new ArrayFormatException(source + ": .npy file has " + (have - need)
          + " bytes after the data that its header describes");
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new ArrayFormatException(source + ": .npy array of " + count + " elements is too large");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, p.dataOffset, (int) need).slice().order(h.order());
    double[] data = decode(buf, h.dtype(), (int) count);
    if (h.fortranOrder() && h.shape().length > 1) {
      data = fortranToC(data, h.shape());
    }
    return new NdArray(h.shape(), data);
  }

  /** Writes an array to a file (replacing it), converting the values to {@code dtype}. */
  public static void write(Path file, NdArray array, NpyDType dtype) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      write(out, array, dtype);
    }
  }

  /**
   * Writes an array in .npy format. Integer and bool types need integral values in range; an
   * {@link IllegalArgumentException} names the first value that is not.
   */
  public static void write(OutputStream out, NdArray array, NpyDType dtype) throws IOException {
    NpyHeader h = new NpyHeader(dtype, ByteOrder.LITTLE_ENDIAN, false, array.shape());
    out.write(headerBytes(h));
    double[] data = array.data();
    int per = Math.max(1, (1 << 16) / dtype.size());
    ByteBuffer buf = ByteBuffer.allocate(per * dtype.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (int start = 0; start < data.length; start += per) {
      buf.clear();
      int end = Math.min(data.length, start + per);
      for (int i = start; i < end; i++) {
        encode(buf, dtype, data[i], i);
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  /** The magic, version, length and padded header text of a file with this header. */
  static byte[] headerBytes(NpyHeader h) {
    byte[] text = h.toText().getBytes(StandardCharsets.ISO_8859_1);
    int prefix = 10;
    int total = roundUp(prefix + text.length + 1);
    int major = 1;
    if (total - prefix > 0xFFFF) {
      prefix = 12;
      total = roundUp(prefix + text.length + 1);
      major = 2;
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    int len = total - prefix;
    if (major == 1) {
      b.putShort((short) len);
    } else {
      b.putInt(len);
    }
    b.put(text);
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private static int roundUp(int n) {
    return (n + ALIGN - 1) / ALIGN * ALIGN;
  }

  private record Parsed(NpyHeader header, int dataOffset) {}

  private static Parsed header(byte[] bytes, String source) {
    if (bytes.length == 0) {
      throw new ArrayFormatException(source + ": file is empty, expected a .npy array");
    }
    if (bytes.length < 10 || !startsWithMagic(bytes)) {
      throw new ArrayFormatException(source + ": not a .npy file (no \\x93NUMPY magic at the start)");
    }
    int major = bytes[6] & 0xFF;
    int minor = bytes[7] & 0xFF;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long len;
    int prefix;
    if (major == 1) {
      len = b.getShort(8) & 0xFFFF;
      prefix = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new ArrayFormatException(source + ": .npy file is truncated inside its header");
      }
      len = b.getInt(8) & 0xFFFFFFFFL;
      prefix = 12;
    } else {
      throw new ArrayFormatException(source + ": .npy format version " + major + "." + minor
          + " is not supported (1.0, 2.0 and 3.0 are)");
    }
    if (prefix + len > bytes.length) {
      throw new ArrayFormatException(source + ": .npy file is truncated inside its header");
    }
    String text = new String(bytes, prefix, (int) len,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    return new Parsed(NpyHeader.parse(text, source), prefix + (int) len);
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static double[] decode(ByteBuffer buf, NpyDType t, int count) {
    double[] d = new double[count];
    for (int i = 0; i < count; i++) {
      d[i] = switch (t) {
        case FLOAT16 -> halfToDouble(buf.getShort() & 0xFFFF);
        case FLOAT32 -> buf.getFloat();
        case FLOAT64 -> buf.getDouble();
        case INT8 -> buf.get();
        case INT16 -> buf.getShort();
        case INT32 -> buf.getInt();
        case INT64 -> buf.getLong();
        case UINT8 -> buf.get() & 0xFF;
        case UINT16 -> buf.getShort() & 0xFFFF;
        case UINT32 -> buf.getInt() & 0xFFFFFFFFL;
        case UINT64 -> unsignedToDouble(buf.getLong());
        case BOOL -> buf.get() != 0 ? 1 : 0;
      };
    }
    return d;
  }

  private static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static void encode(ByteBuffer buf, NpyDType t, double v, int index) {
    switch (t) {
      case FLOAT16 -> buf.putShort((short) doubleToHalf(v));
      case FLOAT32 -> buf.putFloat((float) v);
      case FLOAT64 -> buf.putDouble(v);
      case INT8 -> buf.put((byte) integral(v, -128, 127, t, index));
      case INT16 -> buf.putShort((short) integral(v, Short.MIN_VALUE, Short.MAX_VALUE, t, index));
      case INT32 -> buf.putInt((int) integral(v, Integer.MIN_VALUE, Integer.MAX_VALUE, t, index));
      case INT64 -> buf.putLong(integral(v, -0x1p63, 0x1p63, t, index));
      case UINT8 -> buf.put((byte) integral(v, 0, 255, t, index));
      case UINT16 -> buf.putShort((short) integral(v, 0, 65535, t, index));
      case UINT32 -> buf.putInt((int) integral(v, 0, 0xFFFFFFFFL, t, index));
      case UINT64 -> buf.putLong(unsigned64(v, index));
      case BOOL -> buf.put((byte) integral(v, 0, 1, t, index));
    }
  }

  private static long integral(double v, double min, double max, NpyDType t, int index) {
    // max is exclusive only for int64, whose bound 2^63 is not a long
    boolean inRange = t == NpyDType.INT64 ? v >= min && v < max : v >= min && v <= max;
    if (v != Math.rint(v) || !inRange) {
      throw new IllegalArgumentException("value " + v + " at index " + index + " does not fit " + t);
    }
    return (long) v;
  }

  private static long unsigned64(double v, int index) {
    if (v != Math.rint(v) || v < 0 || v >= 0x1p64) {
      throw new IllegalArgumentException("value " + v + " at index " + index + " does not fit uint64");
    }
    return v < 0x1p63 ? (long) v : (long) (v - 0x1p63) | Long.MIN_VALUE;
  }

  /** IEEE binary16 bits to double (exact). */
  static double halfToDouble(int h) {
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    double v;
    if (exp == 0) {
      v = Math.scalb((double) mant, -24);
    } else if (exp == 31) {
      v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else {
      v = Math.scalb((double) (1024 + mant), exp - 25);
    }
    return (h & 0x8000) != 0 ? -v : v;
  }

  /** Double to IEEE binary16 bits, rounding to nearest even (one rounding, straight from the double). */
  static int doubleToHalf(double d) {
    int sign = Double.doubleToRawLongBits(d) < 0 ? 0x8000 : 0;
    if (Double.isNaN(d)) {
      return 0x7E00;
    }
    double a = Math.abs(d);
    if (a >= 65520.0) {
      return sign | 0x7C00;
    }
    if (a < 0x1p-14) {
      // subnormal: a multiple of 2^-24; 1024 correctly becomes the smallest normal
      return sign | (int) Math.rint(Math.scalb(a, 24));
    }
    int e = Math.getExponent(a);
    int m = (int) Math.rint(Math.scalb(a, 10 - e));
    if (m == 2048) {
      m = 1024;
      e++;
    }
    return sign | ((e + 15) << 10) | (m - 1024);
  }

  private static double[] fortranToC(double[] f, long[] shape) {
    int rank = shape.length;
    long[] cStride = new long[rank];
    long s = 1;
    for (int a = rank - 1; a >= 0; a--) {
      cStride[a] = s;
      s *= shape[a];
    }
    double[] c = new double[f.length];
    long[] idx = new long[rank];
    long cPos = 0;
    for (int i = 0; i < f.length; i++) {
      c[(int) cPos] = f[i];
      // advance the multi-index with axis 0 fastest (Fortran order), keeping the C offset in step
      for (int a = 0; a < rank; a++) {
        idx[a]++;
        cPos += cStride[a];
        if (idx[a] < shape[a]) {
          break;
        }
        cPos -= idx[a] * cStride[a];
        idx[a] = 0;
      }
    }
    return c;
  }
}
