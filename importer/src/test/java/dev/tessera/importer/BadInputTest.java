package dev.tessera.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.importer.proto.Onnx.ModelProto;
import dev.tessera.importer.proto.Onnx.StringStringEntryProto;
import dev.tessera.importer.proto.Onnx.TensorProto;
import dev.tessera.importer.testing.OnnxBuilder;
import dev.tessera.ir.diag.ModelFormatException;
import dev.tessera.ir.diag.TesseraException;
import dev.tessera.ir.diag.UnsupportedOpException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is a TesseraException with a one-line message (the CLI turns it into exit code 2). */
class BadInputTest {

  @TempDir
  Path dir;

  private static TesseraException fails(Path p) {
    TesseraException e = assertThrows(TesseraException.class, () -> OnnxImporter.load(p));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  private static TesseraException fails(byte[] bytes) {
    TesseraException e = assertThrows(TesseraException.class, () -> OnnxImporter.load(bytes, "m"));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  /** x [1,4] · W [4,2] → y. */
  private static OnnxBuilder small() {
    return OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4)
        .initializer("W", new long[] {4, 2}, 1, 2, 3, 4, 5, 6, 7, 8)
        .node("MatMul").name("mm").in("x", "W").out("y").model().output("y", OnnxBuilder.FLOAT, 1, 2);
  }

  @Test
  void theSmallModelIsValid() {
    assertEquals(1, OnnxImporter.load(small().build(), "m").nodes().size());
  }

  @Test
  void emptyFile() throws IOException {
    Path p = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    TesseraException e = fails(p);
    assertInstanceOf(ModelFormatException.class, e);
    assertEquals("'empty' is empty (0 bytes), not an ONNX model", e.getMessage());
  }

  @Test
  void truncatedModel() throws IOException {
    byte[] full = small().build();
    byte[] half = java.util.Arrays.copyOf(full, full.length / 2);
    TesseraException e = fails(Files.write(dir.resolve("half.onnx"), half));
    assertInstanceOf(ModelFormatException.class, e);
    assertTrue(e.getMessage().startsWith("'half' is not a valid ONNX model: the protobuf data is truncated or "
        + "corrupt ("), e.getMessage());
  }

  @Test
  void randomBytes() throws IOException {
    for (int seed = 0; seed < 20; seed++) {
      byte[] b = new byte[1000];
      new Random(seed).nextBytes(b);
      TesseraException e = fails(Files.write(dir.resolve("random.onnx"), b));
      assertInstanceOf(ModelFormatException.class, e, "seed " + seed + ": " + e);
      assertTrue(e.getMessage().startsWith("'random' "), e.getMessage());
    }
  }

  @Test
  void textFile() throws IOException {
    TesseraException e = fails(Files.writeString(dir.resolve("notes.onnx"), "this is not a model\n"));
    assertInstanceOf(ModelFormatException.class, e);
  }

  @Test
  void directory() throws IOException {
    Path d = Files.createDirectory(dir.resolve("model.onnx"));
    TesseraException e = fails(d);
    assertEquals("'" + d + "' is a directory, not an ONNX file", e.getMessage());
  }

  @Test
  void missingFile() {
    Path p = dir.resolve("nothing.onnx");
    assertEquals("file '" + p + "' does not exist", fails(p).getMessage());
  }

  @Test
  void graphWithACycle() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4)
        .node("Add").name("a").in("x", "c").out("b").model()
        .node("Relu").name("r").in("b").out("c").model()
        .output("c").build();
    TesseraException e = fails(m);
    assertInstanceOf(ModelFormatException.class, e);
    assertEquals("the graph has a cycle: node 'r' (Relu) -> node 'a' (Add) -> node 'r' (Relu)", e.getMessage());
  }

  @Test
  void missingInitializer() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 4)
        .node("MatMul").name("mm").in("x", "W").out("y").model().output("y").build();
    assertEquals("node 'mm' (MatMul): input 'W' is not produced by any node and is not a graph input or "
        + "initializer", fails(m).getMessage());
  }

  @Test
  void negativeDimensionInAnInitializer() {
    OnnxBuilder b = small();
    b.graph().setInitializer(0, b.graph().getInitializer(0).toBuilder().setDims(0, -4));
    assertEquals("initializer 'W' has a negative dimension -4 in its shape [-4,2]", fails(b.build()).getMessage());
  }

  @Test
  void negativeDimensionInAnInput() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, -3)
        .node("Relu").in("x").out("y").model().output("y").build();
    assertEquals("graph input 'x' has a negative dimension -3 at axis 1", fails(m).getMessage());
  }

  @Test
  void nanWeights() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .initializer(OnnxBuilder.rawFloats("W", new long[] {2, 2}, 1, Float.NaN, 3, 4))
        .node("MatMul").in("x", "W").out("y").model().output("y").build();
    assertEquals("initializer 'W' contains NaN (element 1 of 4)", fails(m).getMessage());
  }

  @Test
  void externalData() {
    OnnxBuilder b = small();
    TensorProto w = b.graph().getInitializer(0).toBuilder().clearFloatData()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build();
    b.graph().setInitializer(0, w);
    assertEquals("initializer 'W' keeps its data in an external file ('weights.bin'); external data is not "
        + "supported: save the model with all tensors inside the .onnx file", fails(b.build()).getMessage());
  }

  @Test
  void wrongNumberOfValues() {
    OnnxBuilder b = small();
    b.graph().setInitializer(0, b.graph().getInitializer(0).toBuilder().addFloatData(9));
    assertEquals("initializer 'W' has 9 values but its shape [4,2] needs 8", fails(b.build()).getMessage());
  }

  @Test
  void noGraph() {
    byte[] m = ModelProto.newBuilder().setIrVersion(8).build().toByteArray();
    assertEquals("'m' has no graph: not an ONNX model, or an empty one", fails(m).getMessage());
  }

  @Test
  void noOutputs() {
    OnnxBuilder b = small();
    b.graph().clearOutput();
    assertEquals("the graph of 'm' has no outputs", fails(b.build()).getMessage());
  }

  @Test
  void undefinedGraphOutput() {
    OnnxBuilder b = small();
    b.output("ghost");
    assertEquals("graph output 'ghost' is not produced by any node", fails(b.build()).getMessage());
  }

  @Test
  void tensorProducedTwice() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Relu").name("r1").in("x").out("y").model()
        .node("Relu").name("r2").in("x").out("y").model().output("y").build();
    assertTrue(fails(m).getMessage().startsWith("tensor 'y' is produced more than once"));
  }

  @Test
  void opsetOutsideTheRange() {
    OnnxBuilder b = small();
    b.modelProto().setOpsetImport(0, b.modelProto().getOpsetImport(0).toBuilder().setVersion(24));
    TesseraException e = fails(b.build());
    assertInstanceOf(UnsupportedOpsetException.class, e);
    assertEquals("'m' uses opset 24 of the default ONNX domain; Tessera supports opsets 7 to 23", e.getMessage());
    b.modelProto().setOpsetImport(0, b.modelProto().getOpsetImport(0).toBuilder().setVersion(5));
    assertInstanceOf(UnsupportedOpsetException.class, fails(b.build()));
  }

  @Test
  void unsupportedOpNamesNodeOpDomainAndOpset() {
    byte[] m = OnnxBuilder.model(12).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Celu").name("act").in("x").out("y").model().output("y").build();
    UnsupportedOpException e = assertInstanceOf(UnsupportedOpException.class, fails(m));
    assertEquals("node 'act' (Celu): op 'Celu' is not supported [op Celu, domain ai.onnx, opset 12]",
        e.getMessage());
    assertEquals("act", e.node());
  }

  @Test
  void customDomainOpNamesItsDomain() {
    byte[] m = OnnxBuilder.model(13).opset("com.example", 3).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Magic").domain("com.example").name("m1").in("x").out("y").model().output("y").build();
    assertEquals("node 'm1' (com.example:Magic): op 'Magic' is not supported [op Magic, domain com.example, "
        + "opset 3]", fails(m).getMessage());
  }

  @Test
  void unknownAttributeOnASupportedOpIsAnError() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.FLOAT, 1, 2)
        .node("Relu").name("r").in("x").out("y").attr("slope", 0.5f).model().output("y").build();
    assertEquals("node 'r' (Relu): unknown attribute 'slope' (known for Relu at opset 13: none) [op Relu, domain "
        + "ai.onnx, opset 13]", fails(m).getMessage());
  }

  @Test
  void stringInputIsRefused() {
    byte[] m = OnnxBuilder.model(13).input("x", OnnxBuilder.STRING, 1)
        .node("Identity").in("x").out("y").model().output("y").build();
    assertEquals("graph input 'x' has element type string, which Tessera does not support (supported: float, "
        + "double, float16, bfloat16, int8..int64, uint8..uint64, bool)", fails(m).getMessage());
  }
}
