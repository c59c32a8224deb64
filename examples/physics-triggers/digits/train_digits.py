#!/usr/bin/python3
"""Trains two small classifiers on scikit-learn's bundled 8x8 digits (no download) and exports them to ONNX,
as float baselines for the quantization and pruning passes.

Data: sklearn.datasets.load_digits (1797 images, pixel values 0..16), scaled to [0, 1] by dividing by 16, split
with train_test_split(test_size=0.25, stratify=labels, random_state=SPLIT_SEED) into 1347 training and 450
held-out images.

Models (both output logits for the 10 digits; no softmax; BatchNormalization is kept as its own node):
  digits_mlp.onnx  input 'input' [batch, 64]
                   fc1 Gemm 64->64, bn1 BatchNormalization(64), relu1, fc2 Gemm 64->32, relu2, fc3 Gemm 32->10
  digits_cnn.onnx  input 'input' [batch, 1, 8, 8]
                   conv1 Conv 1->8 3x3 pad 1 (8x8x8), bn1 BatchNormalization(8), relu1,
                   conv2 Conv 8->8 3x3 no pad (8x6x6), relu2, flatten (288), fc Gemm 288->10
  output 'output' [batch, 10], float32, opset 13.

Files written next to this script:
  digits_mlp.onnx, digits_cnn.onnx
  calib_mlp.npy [500, 64], calib_cnn.npy [500, 1, 8, 8], calib_labels.npy [500]   first 500 training images
  test_mlp.npy [450, 64], test_cnn.npy [450, 1, 8, 8], test_labels.npy [450]       all held-out images
  metrics.json                                                                     accuracies and checks

PyTorch exports Conv followed by BatchNormalization in eval mode as one fused Conv, so the export runs in
TrainingMode.PRESERVE on a model in eval mode: the BatchNormalization node stays, in inference form. Each file is
then checked with onnx.checker and evaluated by the numpy reference (../onnx_numpy_ref.py, float64) on the
calibration and test images; the script fails unless it matches PyTorch run in float64 on the same weights within
1e-5 absolute, and PyTorch float32 within 1e-5 + 1e-5 |y| (float32 rounding of logits up to ~30 alone exceeds
1e-5 absolute). Seeded, one CPU thread: reruns are identical.

Run:  /usr/bin/python3 train_digits.py
"""

import copy
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from torch import nn  # noqa: E402

import onnx_numpy_ref  # noqa: E402

SPLIT_SEED = 0
TORCH_SEED = 11
N_CALIB = 500
EPOCHS = 60
BATCH = 64
LR = 3e-3
WEIGHT_DECAY = 1e-4
OPSET = 13
ATOL = 1e-5       # numpy (float64) vs PyTorch float64 on the same float32 weights
RTOL_F32 = 1e-5   # numpy vs PyTorch float32 additionally allows this relative error (float32 rounding)


class DigitsMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 64)
        self.bn1 = nn.BatchNorm1d(64)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(64, 32)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        return self.fc3(self.relu2(self.fc2(self.relu1(self.bn1(self.fc1(x))))))


class DigitsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 8, 3)
        self.relu2 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(8 * 6 * 6, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.relu2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))))


def load_split():
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.25, stratify=y, random_state=SPLIT_SEED)
    return x_tr, y_tr, x_te, y_te


def train(model, x, y, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(xt.shape[0], generator=gen)
        for i in range(0, xt.shape[0], BATCH):
            idx = perm[i:i + BATCH]
            if idx.numel() < 2:  # BatchNorm needs two samples in training mode
                continue
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
        sched.step()
    model.eval()


def predict(model, x):
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def predict64(model, x):
    """The same (float32) weights evaluated by PyTorch in float64: the strict reference for the numpy check."""
    with torch.no_grad():
        return copy.deepcopy(model).double()(torch.from_numpy(x).double()).numpy()


def tidy(model):
    """Names nodes after their PyTorch modules ('/conv1/Conv' -> 'conv1') and their outputs '<node>_out', and
    replaces any Identity node fed by an initializer (PyTorch's de-duplication of equal weights) by a copy of it."""
    inits = {t.name: t for t in model.graph.initializer}
    keep = []
    for node in model.graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            copy = numpy_helper.from_array(numpy_helper.to_array(inits[node.input[0]]), node.output[0])
            model.graph.initializer.append(copy)
        else:
            keep.append(node)
    del model.graph.node[:]
    model.graph.node.extend(keep)
    graph_outputs = {o.name for o in model.graph.output}
    renamed = {}
    for node in model.graph.node:
        parts = [p for p in node.name.split("/") if p]
        node.name = parts[0] if len(parts) == 2 else node.name.strip("/").replace("/", "_")
        for i, name in enumerate(node.input):
            node.input[i] = renamed.get(name, name)
        if node.output[0] not in graph_outputs:
            renamed[node.output[0]] = node.name + "_out"
            node.output[0] = node.name + "_out"
    used = {i for n in model.graph.node for i in n.input}
    unused = [t for t in model.graph.initializer if t.name not in used]
    for t in unused:
        model.graph.initializer.remove(t)
    names = [n.name for n in model.graph.node] + [t.name for t in model.graph.initializer]
    assert len(set(names)) == len(names), f"node and weight names must be unique: {names}"


def export(model, example, path, doc):
    dynamic = {"input": {0: "batch"}, "output": {0: "batch"}}
    torch.onnx.export(model, example, str(path), opset_version=OPSET, input_names=["input"],
                      output_names=["output"], dynamic_axes=dynamic,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    m = onnx.load(str(path))
    tidy(m)
    m.doc_string = doc
    onnx.save(m, str(path))


def verify(path, expected_ops, model, inputs):
    """onnx.checker, structure, and the numpy reference against PyTorch in float64 (|diff| <= ATOL) and in float32
    (|diff| <= ATOL + RTOL_F32 |y|); returns (onnx model, worst |diff| vs float64, worst |diff| vs float32)."""
    m = onnx.load(str(path))
    onnx.checker.check_model(m, full_check=True)
    ops = [n.op_type for n in m.graph.node]
    assert ops == expected_ops, f"{path.name}: ops {ops}, expected {expected_ops}"
    assert [i.name for i in m.graph.input] == ["input"], f"{path.name}: inputs {[i.name for i in m.graph.input]}"
    assert [o.name for o in m.graph.output] == ["output"]
    for t in m.graph.initializer:
        assert t.data_type == onnx.TensorProto.FLOAT, f"{path.name}: initializer {t.name} is not float32"
    worst64 = worst32 = 0.0
    for label, x in inputs:
        where = f"{path.name} on {label}"
        worst64 = max(worst64, onnx_numpy_ref.check_against(m, {"input": x}, [predict64(model, x)], ATOL, 0.0, where))
        worst32 = max(worst32, onnx_numpy_ref.check_against(m, {"input": x}, [predict(model, x)], ATOL, RTOL_F32,
                                                            where + " (float32)"))
    return m, worst64, worst32


def accuracy(logits, labels):
    return float(np.mean(np.argmax(logits, axis=1) == labels))


def main():
    torch.set_num_threads(1)
    x_tr, y_tr, x_te, y_te = load_split()
    calib_x, calib_y = x_tr[:N_CALIB], y_tr[:N_CALIB]
    np.save(HERE / "calib_mlp.npy", calib_x)
    np.save(HERE / "calib_cnn.npy", calib_x.reshape(-1, 1, 8, 8))
    np.save(HERE / "calib_labels.npy", calib_y)
    np.save(HERE / "test_mlp.npy", x_te)
    np.save(HERE / "test_cnn.npy", x_te.reshape(-1, 1, 8, 8))
    np.save(HERE / "test_labels.npy", y_te)

    metrics = {"data": "sklearn load_digits / 16, train_test_split(test_size=0.25, stratify, random_state=0)",
               "train_images": int(y_tr.size), "test_images": int(y_te.size), "calib_images": N_CALIB,
               "torch": torch.__version__, "onnx": onnx.__version__}
    specs = [
        ("mlp", DigitsMlp, lambda a: a, torch.zeros(1, 64),
         ["Gemm", "BatchNormalization", "Relu", "Gemm", "Relu", "Gemm"]),
        ("cnn", DigitsCnn, lambda a: a.reshape(-1, 1, 8, 8), torch.zeros(1, 1, 8, 8),
         ["Conv", "BatchNormalization", "Relu", "Conv", "Relu", "Flatten", "Gemm"]),
    ]
    for seed_offset, (name, cls, shape, example, ops) in enumerate(specs):
        torch.manual_seed(TORCH_SEED + seed_offset)  # before construction: the initial weights come from this seed
        model = cls()
        train(model, shape(x_tr), y_tr, TORCH_SEED + seed_offset)
        path = HERE / f"digits_{name}.onnx"
        export(model, example, path, f"8x8 digits {name.upper()} (sklearn load_digits, pixels / 16), "
                                     f"float baseline, logits; examples/physics-triggers/digits/train_digits.py")
        inputs = [(f"calib_{name}.npy", shape(calib_x)), (f"test_{name}.npy", shape(x_te))]
        onnx_model, worst64, worst32 = verify(path, ops, model, inputs)
        acc_train = accuracy(predict(model, shape(x_tr)), y_tr)
        acc_test = accuracy(predict(model, shape(x_te)), y_te)
        acc_onnx = accuracy(onnx_numpy_ref.run(onnx_model, {"input": shape(x_te)})[0], y_te)
        params = sum(int(np.prod(t.dims)) for t in onnx_model.graph.initializer)
        print(f"{name}: train accuracy {acc_train:.4f}, test accuracy {acc_test:.4f} (PyTorch), "
              f"{acc_onnx:.4f} (ONNX via numpy reference); {params} parameters incl. BN statistics")
        print(f"{name}: onnx.checker ok; numpy reference vs PyTorch max |diff| {worst64:.1e} (float64), "
              f"{worst32:.1e} (float32) on {N_CALIB + y_te.size} inputs; wrote {path.name} ({path.stat().st_size} bytes)")
        metrics[name] = {"train_accuracy": round(acc_train, 4), "test_accuracy": round(acc_test, 4),
                         "test_accuracy_onnx_numpy": round(acc_onnx, 4), "parameters": params,
                         "ops": ops, "max_abs_diff_numpy_vs_torch_float64": worst64,
                         "max_abs_diff_numpy_vs_torch_float32": worst32}
    (HERE / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")


if __name__ == "__main__":
    main()
