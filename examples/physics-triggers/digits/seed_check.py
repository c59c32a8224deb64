#!/usr/bin/python3
"""Robustness check for prune-results.md: retrains the digits MLP of train_digits.py (same architecture, data split,
epochs and optimizer) with other PyTorch seeds and exports each to OUT/mlp_s<seed>.onnx. It writes nothing next to
this script, so the committed models and data stay as train_digits.py made them.

Run:  /usr/bin/python3 seed_check.py OUT [SEED ...]      (default seeds 1 2 3 4 5)
then, for each model,  ./tessera prune OUT/mlp_s<seed>.onnx --calib calib_mlp.npy --budget 'macs<=0.5' ...
"""

import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import torch  # noqa: E402

import train_digits as td  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: seed_check.py OUT [SEED ...]")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    seeds = [int(s) for s in sys.argv[2:]] or [1, 2, 3, 4, 5]
    torch.set_num_threads(1)
    x_tr, y_tr, x_te, y_te = td.load_split()
    for seed in seeds:
        torch.manual_seed(seed)
        model = td.DigitsMlp()
        td.train(model, x_tr, y_tr, seed)
        path = out / f"mlp_s{seed}.onnx"
        td.export(model, torch.zeros(1, 64), path, f"digits MLP retrained with seed {seed} (seed_check.py)")
        print(f"seed {seed}: test accuracy {td.accuracy(td.predict(model, x_te), y_te):.4f}; wrote {path}")


if __name__ == "__main__":
    main()
