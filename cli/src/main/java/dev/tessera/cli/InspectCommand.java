package dev.tessera.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.ir.Dim;
import dev.tessera.ir.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera inspect}: one row per node with its op, the shapes of its inputs and outputs, its parameters and
 * multiply-accumulates per sample, then the totals; as an aligned text table or as JSON.
 *
 * <p>The JSON is a contract: a top-level {@code nodes} array of {@code {name, op, inputs, outputs, params, macs}}
 * (each tensor {@code {name, shape, type}}, the symbolic batch as the string {@code "N"}) and a {@code totals}
 * object with {@code params} and {@code macs}. More keys may be added, none removed or renamed.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = "Lists the nodes of MODEL after import: op, input and output shapes, parameters and "
        + "multiply-accumulates (MACs) per sample, and the totals.")
final class InspectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model (.onnx).")
  private Path model;

  @Option(names = "--json", description = "Print JSON instead of a table (keys: nodes, totals; see docs/cli.md).")
  private boolean json;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Graph graph = ModelFiles.load(model);
    ModelSummary summary = ModelSummary.of(graph);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? toJson(summary) : toText(summary));
    out.flush();
    return Main.OK;
  }

  static String toText(ModelSummary s) {
    StringBuilder sb = new StringBuilder();
    sb.append("model ").append(s.name()).append(": ").append(s.nodes().size()).append(" nodes, inputs ")
        .append(tensors(s.inputs())).append(", outputs ").append(tensors(s.outputs())).append('\n');
    TextTable t = new TextTable("node", "op", "inputs", "outputs", ">params", ">MACs");
    for (ModelSummary.NodeRow n : s.nodes()) {
      List<ModelSummary.TensorInfo> activations = new ArrayList<>();
      for (ModelSummary.TensorInfo i : n.inputs()) {
        if (!i.constant()) {
          activations.add(i);
        }
      }
      t.row(n.name(), n.op(), shapes(activations), shapes(n.outputs()), count(n.params()), count(n.macs()));
    }
    t.rule();
    t.row("total", "", "", "", count(s.totalParams()), count(s.totalMacs()));
    sb.append(t.render());
    return sb.toString();
  }

  static String toJson(ModelSummary s) throws JsonProcessingException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("model", s.name());
    root.set("inputs", tensorArray(mapper, s.inputs()));
    root.set("outputs", tensorArray(mapper, s.outputs()));
    ArrayNode nodes = root.putArray("nodes");
    for (ModelSummary.NodeRow n : s.nodes()) {
      ObjectNode o = nodes.addObject();
      o.put("name", n.name());
      o.put("op", n.op());
      o.put("source", n.source());
      o.set("inputs", tensorArray(mapper, n.inputs()));
      o.set("outputs", tensorArray(mapper, n.outputs()));
      o.put("params", n.params());
      o.put("macs", n.macs());
    }
    ObjectNode totals = root.putObject("totals");
    totals.put("params", s.totalParams());
    totals.put("macs", s.totalMacs());
    totals.put("nodes", s.nodes().size());
    return mapper.writeValueAsString(root) + "\n";
  }

  private static ArrayNode tensorArray(ObjectMapper mapper, List<ModelSummary.TensorInfo> tensors) {
    ArrayNode a = mapper.createArrayNode();
    for (ModelSummary.TensorInfo t : tensors) {
      ObjectNode o = a.addObject();
      o.put("name", t.name());
      ArrayNode shape = o.putArray("shape");
      for (Dim d : t.type().shape().dims()) {
        if (d.isSymbolic()) {
          shape.add(d.symbol());
        } else {
          shape.add(d.size());
        }
      }
      o.put("type", t.type().elementType().toString());
      if (t.constant()) {
        o.put("constant", true);
      }
    }
    return a;
  }

  private static String shapes(List<ModelSummary.TensorInfo> tensors) {
    List<String> s = new ArrayList<>();
    for (ModelSummary.TensorInfo t : tensors) {
      s.add(t.type().shape().toString());
    }
    return String.join(" ", s);
  }

  private static String tensors(List<ModelSummary.TensorInfo> tensors) {
    List<String> s = new ArrayList<>();
    for (ModelSummary.TensorInfo t : tensors) {
      s.add(t.name() + " " + t.type());
    }
    return String.join(", ", s);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
