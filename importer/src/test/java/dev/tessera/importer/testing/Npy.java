package dev.tessera.importer.testing;

import dev.tessera.ir.interp.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads NumPy .npy files and .npz archives (little-endian f4, f8, i1, u1, i4, i8, b1; C order) as doubles. */
public final class Npy {
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<|>])([a-z])(\\d+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  private Npy() {}

  public static NdArray read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Every array of an .npz archive by key (file name without .npy). */
  public static Map<String, NdArray> readNpz(Path file) throws IOException {
    Map<String, NdArray> out = new LinkedHashMap<>();
    try (ZipInputStream z = new ZipInputStream(Files.newInputStream(file))) {
      ZipEntry e;
      while ((e = z.getNextEntry()) != null) {
        String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4)
            : e.getName();
        out.put(name, parse(readAll(z), file + ":" + e.getName()));
      }
    }
    return out;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toByteArray();
  }

  static NdArray parse(byte[] data, String what) {
    if (data.length < 10 || data[0] != (byte) 0x93 || data[1] != 'N') {
      throw new IllegalArgumentException(what + " is not a .npy file");
    }
    int major = data[6];
    int headerLen;
    int offset;
    ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      headerLen = bb.getShort(8) & 0xffff;
      offset = 10;
    } else {
      headerLen = bb.getInt(8);
      offset = 12;
    }
    String header = new String(data, offset, headerLen, StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) {
      throw new IllegalArgumentException(what + ": cannot parse header " + header);
    }
    if (d.group(1).equals(">") || o.group(1).equals("True")) {
      throw new IllegalArgumentException(what + ": big-endian or Fortran order is not supported");
    }
    String[] parts = s.group(1).split(",");
    long[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    int n = 1;
    for (long v : shape) {
      n *= (int) v;
    }
    ByteBuffer body = ByteBuffer.wrap(data, offset + headerLen, data.length - offset - headerLen)
        .order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[n];
    String kind = d.group(2) + d.group(3);
    for (int i = 0; i < n; i++) {
      v[i] = switch (kind) {
        case "f4" -> body.getFloat();
        case "f8" -> body.getDouble();
        case "i1" -> body.get();
        case "u1", "b1" -> body.get() & 0xff;
        case "i4" -> body.getInt();
        case "i8" -> body.getLong();
        default -> throw new IllegalArgumentException(what + ": dtype " + kind + " is not supported");
      };
    }
    return new NdArray(shape, v);
  }
}
