#!/usr/bin/python3
"""Trains the hls4ml jet-tagging benchmark MLP (16 -> 64 -> 32 -> 32 -> 5) on the synthetic jets of make_data.py
and exports it to jet_tagger.onnx.

Recipe as in hls4ml's KERAS_3layer: ReLU hidden layers, softmax output, L1 penalty 1e-4 on the dense kernels,
Adam. Everything is seeded and runs on one CPU thread, so a rerun rewrites identical files.

The exported graph is Gemm, Relu, Gemm, Relu, Gemm, Relu, Gemm, Softmax (opset 13, float32),
input 'input' [batch, 16] (standardized features, see scaler.json), output 'output' [batch, 5] (class
probabilities for g, q, W, Z, t). After export the file is checked with onnx.checker and evaluated with the
numpy reference in ../onnx_numpy_ref.py (float64) on calib.npy and test_inputs.npy; the script fails unless it
matches PyTorch run in float64 on the same weights within 1e-5, and PyTorch float32 within 1e-5 + 1e-5 |y|.

Run (after make_data.py):  /usr/bin/python3 train.py
"""

import copy
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

import make_data  # noqa: E402
import onnx_numpy_ref  # noqa: E402

SEED = 7
EPOCHS = 25
BATCH = 256
LR = 2e-3
L1 = 1e-4
OPSET = 13
ATOL = 1e-5       # numpy (float64) vs PyTorch float64 on the same float32 weights
RTOL_F32 = 1e-5   # numpy vs PyTorch float32 additionally allows this relative error (float32 rounding)
ONNX_PATH = HERE / "jet_tagger.onnx"


class JetTagger(nn.Module):
    """The benchmark network; forward returns logits, probabilities() adds the softmax that is exported."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 64)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(64, 32)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(32, 32)
        self.relu3 = nn.ReLU()
        self.fc4 = nn.Linear(32, 5)

    def forward(self, x):
        return self.fc4(self.relu3(self.fc3(self.relu2(self.fc2(self.relu1(self.fc1(x)))))))

    def kernels(self):
        return [self.fc1.weight, self.fc2.weight, self.fc3.weight, self.fc4.weight]


class WithSoftmax(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.net(x))


def train(model, x, y):
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(xt.shape[0], generator=gen)
        total = 0.0
        for i in range(0, xt.shape[0], BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx]) + L1 * sum(w.abs().sum() for w in model.kernels())
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        sched.step()
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            print(f"epoch {epoch + 1:2d}  loss {total / xt.shape[0]:.4f}")


def accuracy(probs, labels):
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def rename_nodes(model):
    """Names each node after the PyTorch module it came from ('/net/fc1/Gemm' -> 'fc1'), its output '<node>_out'
    and the weights 'fc1.weight' (not 'net.fc1.weight'), so reports read well."""
    graph_outputs = {o.name for o in model.graph.output}
    renamed = {}
    for t in model.graph.initializer:
        new = t.name[len("net."):] if t.name.startswith("net.") else t.name
        renamed[t.name], t.name = new, new
    for node in model.graph.node:
        parts = [p for p in node.name.split("/") if p and p != "net"]
        node.name = parts[0] if len(parts) == 2 else node.name.strip("/").replace("/", "_")
        for i, name in enumerate(node.input):
            node.input[i] = renamed.get(name, name)
        if node.output[0] not in graph_outputs:
            renamed[node.output[0]] = node.name + "_out"
            node.output[0] = node.name + "_out"
    names = [n.name for n in model.graph.node] + [t.name for t in model.graph.initializer]
    assert len(set(names)) == len(names), f"node and weight names must be unique: {names}"


def export(net):
    wrapped = WithSoftmax(net).eval()
    torch.onnx.export(wrapped, torch.zeros(1, 16), str(ONNX_PATH), opset_version=OPSET,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      do_constant_folding=True)
    model = onnx.load(str(ONNX_PATH))
    rename_nodes(model)
    model.doc_string = ("hls4ml jet-tagging benchmark architecture trained on SYNTHETIC jets "
                        "(examples/physics-triggers/jet-tagger/make_data.py), not the hls4ml data set")
    onnx.save(model, str(ONNX_PATH))
    return wrapped


def verify(wrapped, calib, test_x):
    model = onnx.load(str(ONNX_PATH))
    onnx.checker.check_model(model, full_check=True)
    ops = [n.op_type for n in model.graph.node]
    assert ops == ["Gemm", "Relu", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"], ops
    assert [i.name for i in model.graph.input] == ["input"]
    assert model.graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    wrapped64 = copy.deepcopy(wrapped).double()
    worst64 = worst32 = 0.0
    for label, x in (("calib.npy", calib), ("test_inputs.npy", test_x)):
        with torch.no_grad():
            y64 = wrapped64(torch.from_numpy(x).double()).numpy()
            y32 = wrapped(torch.from_numpy(x)).numpy()
        worst64 = max(worst64, onnx_numpy_ref.check_against(model, {"input": x}, [y64], ATOL, 0.0, label))
        worst32 = max(worst32, onnx_numpy_ref.check_against(model, {"input": x}, [y32], ATOL, RTOL_F32,
                                                            label + " (float32)"))
    return model, worst64, worst32


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    d = make_data.build()
    calib = np.load(HERE / "calib.npy")
    test_x = np.load(HERE / "test_inputs.npy")
    test_y = np.load(HERE / "test_labels.npy")
    if not (np.array_equal(calib, d["x_train"][:len(calib)]) and np.array_equal(test_x, d["x_test"][:len(test_x)])):
        raise SystemExit("calib.npy / test_inputs.npy do not match make_data.build(); run make_data.py first")

    net = JetTagger()
    train(net, d["x_train"], d["y_train"])
    net.eval()
    with torch.no_grad():
        p_test = torch.softmax(net(torch.from_numpy(d["x_test"])), dim=1).numpy()
        p_train = torch.softmax(net(torch.from_numpy(d["x_train"])), dim=1).numpy()
    acc_train, acc_test = accuracy(p_train, d["y_train"]), accuracy(p_test, d["y_test"])

    wrapped = export(net)
    model, worst64, worst32 = verify(wrapped, calib, test_x)
    p_file = onnx_numpy_ref.run(model, {"input": test_x})[0]
    acc_file = accuracy(p_file, test_y)

    pred = np.argmax(p_test, axis=1)
    confusion = np.zeros((5, 5), dtype=np.int64)
    np.add.at(confusion, (d["y_test"], pred), 1)
    per_class = (np.diag(confusion) / confusion.sum(axis=1)).tolist()
    print(f"train accuracy {acc_train:.4f}")
    print(f"test accuracy  {acc_test:.4f} ({d['y_test'].size} held-out jets, PyTorch float32)")
    print(f"test_inputs.npy accuracy {acc_file:.4f} ({test_y.size} jets, ONNX file via numpy reference)")
    print("per-class test accuracy " + ", ".join(f"{c} {a:.3f}" for c, a in zip(make_data.CLASSES, per_class)))
    print("confusion (rows true g q W Z t, columns predicted):")
    for c, row in zip(make_data.CLASSES, confusion):
        print(f"  {c} " + " ".join(f"{v:5d}" for v in row))
    print(f"onnx.checker ok; numpy reference vs PyTorch max |diff| {worst64:.1e} (float64), {worst32:.1e} (float32) "
          f"over {len(calib) + len(test_x)} inputs; wrote {ONNX_PATH.name} ({ONNX_PATH.stat().st_size} bytes)")

    metrics = {"train_accuracy": round(acc_train, 4), "test_accuracy": round(acc_test, 4),
               "test_jets": int(d["y_test"].size), "test_inputs_npy_accuracy": round(acc_file, 4),
               "per_class_test_accuracy": dict(zip(make_data.CLASSES, [round(a, 4) for a in per_class])),
               "confusion_rows_true_cols_pred": confusion.tolist(),
               "max_abs_diff_numpy_vs_torch_float64": worst64,
               "max_abs_diff_numpy_vs_torch_float32": worst32, "torch": torch.__version__, "onnx": onnx.__version__}
    text = json.dumps(metrics, indent=1)
    text = re.sub(r"\[\s+([-\d,\s]+?)\s+\]", lambda mt: "[" + " ".join(mt.group(1).split()) + "]", text)  # rows on one line
    (HERE / "metrics.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
