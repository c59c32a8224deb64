package dev.tessera.importer.testing;

import dev.tessera.importer.TensorDecoder;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.ir.Tensor;
import dev.tessera.ir.interp.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readers of the data shipped beside the shared models: ONNX .pb tensors and ezkl input.json files. */
public final class TestData {

  private TestData() {}

  /** A serialized TensorProto (ONNX backend test data). */
  public static NdArray readPb(Path file) throws IOException {
    Tensor t = TensorDecoder.decode(TensorProto.parseFrom(Files.readAllBytes(file)), file.toString());
    return new NdArray(t.shape(), t.values().clone());
  }

  /** The numbers of one top-level key of an ezkl input.json ({@code "input_data": [[...], ...]}), flattened. */
  public static List<double[]> jsonArrays(Path file, String key) throws IOException {
    String s = Files.readString(file);
    int k = s.indexOf("\"" + key + "\"");
    if (k < 0) {
      return List.of();
    }
    int start = s.indexOf('[', k);
    int depth = 0;
    int end = start;
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
        if (depth == 0) {
          end = i;
          break;
        }
      }
    }
    String body = s.substring(start + 1, end);
    List<double[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\[([^\\[\\]]*)\\]").matcher(body);
    while (m.find()) {
      String[] nums = m.group(1).split(",");
      List<Double> vals = new ArrayList<>();
      for (String n : nums) {
        if (!n.isBlank()) {
          vals.add(Double.parseDouble(n.trim()));
        }
      }
      out.add(vals.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return out;
  }
}
