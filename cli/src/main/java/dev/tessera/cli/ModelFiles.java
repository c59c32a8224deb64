package dev.tessera.cli;

import dev.tessera.importer.OnnxImporter;
import dev.tessera.ir.Graph;
import java.io.IOException;
import java.nio.file.Path;

/** Loads a model file named on the command line, with the file checks of {@link InputFiles}. */
final class ModelFiles {
  private ModelFiles() {
  }

  static Graph load(Path model) throws IOException {
    InputFiles.requireFile(model, "model");
    return OnnxImporter.load(model);
  }
}
