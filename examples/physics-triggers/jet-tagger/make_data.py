#!/usr/bin/python3
"""Synthetic stand-in for the hls4ml LHC jet-tagging data set (16 high-level features, 5 classes).

The real data set (Zenodo, ~1 TeV jets from g, q, W, Z, t, with mMDT-groomed
energy-correlation observables) cannot be downloaded on the machine this example
was made on, so this script draws jets from a small, explicit generative model
whose features carry the same names and roughly the same meaning and ranges.
It is NOT the hls4ml data and makes no claim of physical accuracy; it only gives
the 16 -> 64 -> 32 -> 32 -> 5 benchmark network a task with realistic overlaps.

Generative model, per jet (all draws from one numpy Generator seeded with SEED):

1. class k uniform over g, q, W, Z, t (N_PER_CLASS each, then shuffled);
   jet pT ~ N(1000, 60) GeV clipped to [800, 1200].
2. a groomed topology = number of hard prongs left after mMDT grooming, and the
   true groomed mass m:
     g : 1 prong, m ~ LogNormal(median 38 GeV, sigma 0.65)
     q : 1 prong, m ~ LogNormal(median 24 GeV, sigma 0.65)
     W : 86 %: 2 prongs, m ~ N(80.4, 9.0); 14 %: grooming failure, 1 prong, m ~ LogNormal(30, 0.6)
     Z : 86 %: 2 prongs, m ~ N(91.2, 9.5); 14 %: grooming failure, 1 prong, m ~ LogNormal(32, 0.6)
     t : 70 %: 3 prongs, m ~ N(173, 20); 18 %: b lost, 2 prongs, m ~ N(80.4, 10);
         12 %: 1 prong, m ~ LogNormal(45, 0.6)
3. a colour / radiation strength c = c_k * exp(N(0, 0.25)) with c_k = 1.0 (g),
   0.45 (q), 0.25 (W), 0.27 (Z), 0.65 (t): gluons radiate most, colour singlets least.
4. two shape latents like N-subjettiness ratios (clipped to [0.05, 1]):
     t21 = b21[prongs] + 0.08 c + N(0, 0.13), b21 = 0.62 / 0.35 / 0.50 for 1 / 2 / 3 prongs
     t32 = b32[prongs] + N(0, 0.13),          b32 = 0.78 / 0.72 / 0.48
   and an angular-spread noise a ~ N(0, 0.12) shared by all energy correlators.

Observed features (function of the latents plus independent per-feature noise):
  multiplicity  ~ Poisson(12 + 34 c + 6 (prongs - 1)), at least 2
  zlogz         = -(0.72 ln(multiplicity) + 0.18 (prongs - 1) + N(0, 0.15))
  mass_mmdt     = m exp(N(0, 0.06))            (detector resolution), GeV
  rho           = mass_mmdt / pT               (not a feature; used below)
  c1_b0_mmdt    = 0.20 + 0.15 (1 - t21) + 0.08 c + N(0, 0.04)
  c1_b1_mmdt    = 0.9 rho   exp(a + N(0, 0.08))          e2 with angular exponent beta = 1
  c1_b2_mmdt    = 1.2 rho^2 exp(2a + N(0, 0.10))         beta = 2
  c2_b1_mmdt    = 0.40 t21^1.6 exp(u1),  u1 ~ N(0, 0.15)
  c2_b2_mmdt    = 0.30 t21^1.9 exp(0.8 u1 + N(0, 0.10))
  d2_b1_mmdt    = 0.25 c2_b1 / c1_b1 exp(N(0, 0.10))     D2 = C2 / e2: grows for light jets
  d2_b2_mmdt    = 0.02 c2_b2 / c1_b2 exp(N(0, 0.10))
  d2_a1_b1_mmdt = d2_b1^0.7 (1 + 0.3 t32) exp(N(0, 0.12))
  d2_a1_b2_mmdt = d2_b2^0.7 (1 + 0.3 t32) exp(N(0, 0.12))
  m2_b1_mmdt    = 0.12 t21 t32^0.5 exp(N(0, 0.15))
  m2_b2_mmdt    = 0.08 t21 t32^0.7 exp(N(0, 0.15))
  n2_b1_mmdt    = 0.50 t21^1.2 (0.7 + 0.3 t32) exp(N(0, 0.12))
  n2_b2_mmdt    = 0.45 t21^1.3 (0.7 + 0.3 t32) exp(N(0, 0.12))

The classes overlap on purpose (W vs Z differ only by an 11 GeV mass shift under
~9 GeV width; groomed-away W/Z/t look like QCD jets; q vs g differ by radiation),
so the benchmark MLP reaches about 75 % accuracy, like on the real data.

Split and scaling: the shuffled jets are split into TRAIN_FRACTION for training
and the rest for testing; each feature is standardized with the mean and standard
deviation of the training split (what sklearn's StandardScaler does in the hls4ml
tutorial). Written files (float32 features, int64 labels):
  calib.npy        [2000, 16]  the first 2000 standardized training jets (for calibration)
  test_inputs.npy  [1000, 16]  the first 1000 standardized held-out jets
  test_labels.npy  [1000]      their class indices (0..4 = g, q, W, Z, t)
  scaler.json                  feature names, class names, means, scales, seed
Run:  /usr/bin/python3 make_data.py   (train.py calls build() again for the training split)
"""

import json
from pathlib import Path

import numpy as np

SEED = 20250
N_PER_CLASS = 16000
TRAIN_FRACTION = 0.75
N_CALIB = 2000
N_TEST_FILE = 1000

CLASSES = ["g", "q", "W", "Z", "t"]
FEATURES = ["zlogz", "c1_b0_mmdt", "c1_b1_mmdt", "c1_b2_mmdt", "c2_b1_mmdt", "c2_b2_mmdt",
            "d2_b1_mmdt", "d2_b2_mmdt", "d2_a1_b1_mmdt", "d2_a1_b2_mmdt", "m2_b1_mmdt", "m2_b2_mmdt",
            "n2_b1_mmdt", "n2_b2_mmdt", "mass_mmdt", "multiplicity"]

HERE = Path(__file__).resolve().parent


def _lognormal(rng, median, sigma, size):
    return median * np.exp(rng.normal(0.0, sigma, size))


def _topology_and_mass(rng, labels):
    """Returns (prongs, true groomed mass in GeV) per jet, following step 2 of the module docstring."""
    n = labels.size
    prongs = np.ones(n, dtype=np.int64)
    mass = np.zeros(n)
    u = rng.uniform(size=n)
    # every candidate is drawn for every jet so the random stream does not depend on the class mix
    qcd_g = _lognormal(rng, 38.0, 0.65, n)
    qcd_q = _lognormal(rng, 24.0, 0.65, n)
    w_res = rng.normal(80.4, 9.0, n)
    w_fail = _lognormal(rng, 30.0, 0.6, n)
    z_res = rng.normal(91.2, 9.5, n)
    z_fail = _lognormal(rng, 32.0, 0.6, n)
    t_res = rng.normal(173.0, 20.0, n)
    t_w = rng.normal(80.4, 10.0, n)
    t_fail = _lognormal(rng, 45.0, 0.6, n)

    g, q, w, z, t = (labels == i for i in range(5))
    mass[g] = qcd_g[g]
    mass[q] = qcd_q[q]
    w_ok, z_ok = w & (u < 0.86), z & (u < 0.86)
    mass[w] = np.where(u[w] < 0.86, w_res[w], w_fail[w])
    mass[z] = np.where(u[z] < 0.86, z_res[z], z_fail[z])
    prongs[w_ok | z_ok] = 2
    t3, t2 = t & (u < 0.70), t & (u >= 0.70) & (u < 0.88)
    mass[t] = np.where(u[t] < 0.70, t_res[t], np.where(u[t] < 0.88, t_w[t], t_fail[t]))
    prongs[t3], prongs[t2] = 3, 2
    return prongs, np.clip(mass, 1.0, None)


def generate(n_per_class=N_PER_CLASS, seed=SEED):
    """Draws n_per_class jets of each class; returns raw features [N, 16] (float64) and labels [N] (int64), shuffled."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.repeat(np.arange(len(CLASSES), dtype=np.int64), n_per_class))
    n = labels.size

    pt = np.clip(rng.normal(1000.0, 60.0, n), 800.0, 1200.0)
    prongs, mass = _topology_and_mass(rng, labels)
    colour = np.array([1.0, 0.45, 0.25, 0.27, 0.65])[labels] * np.exp(rng.normal(0.0, 0.25, n))
    t21 = np.clip(np.array([0.0, 0.62, 0.35, 0.50])[prongs] + 0.08 * colour + rng.normal(0.0, 0.13, n), 0.05, 1.0)
    t32 = np.clip(np.array([0.0, 0.78, 0.72, 0.48])[prongs] + rng.normal(0.0, 0.13, n), 0.05, 1.0)
    spread = rng.normal(0.0, 0.12, n)

    def noise(sigma):
        return rng.normal(0.0, sigma, n)

    multiplicity = np.maximum(rng.poisson(12.0 + 34.0 * colour + 6.0 * (prongs - 1)), 2).astype(np.float64)
    zlogz = -(0.72 * np.log(multiplicity) + 0.18 * (prongs - 1) + noise(0.15))
    mass_mmdt = mass * np.exp(noise(0.06))
    rho = mass_mmdt / pt
    c1_b0 = np.clip(0.20 + 0.15 * (1.0 - t21) + 0.08 * colour + noise(0.04), 0.01, None)
    c1_b1 = 0.9 * rho * np.exp(spread + noise(0.08))
    c1_b2 = 1.2 * rho ** 2 * np.exp(2.0 * spread + noise(0.10))
    u1 = noise(0.15)
    c2_b1 = 0.40 * t21 ** 1.6 * np.exp(u1)
    c2_b2 = 0.30 * t21 ** 1.9 * np.exp(0.8 * u1 + noise(0.10))
    d2_b1 = 0.25 * c2_b1 / c1_b1 * np.exp(noise(0.10))
    d2_b2 = 0.02 * c2_b2 / c1_b2 * np.exp(noise(0.10))
    d2_a1_b1 = d2_b1 ** 0.7 * (1.0 + 0.3 * t32) * np.exp(noise(0.12))
    d2_a1_b2 = d2_b2 ** 0.7 * (1.0 + 0.3 * t32) * np.exp(noise(0.12))
    m2_b1 = 0.12 * t21 * t32 ** 0.5 * np.exp(noise(0.15))
    m2_b2 = 0.08 * t21 * t32 ** 0.7 * np.exp(noise(0.15))
    n2_b1 = 0.50 * t21 ** 1.2 * (0.7 + 0.3 * t32) * np.exp(noise(0.12))
    n2_b2 = 0.45 * t21 ** 1.3 * (0.7 + 0.3 * t32) * np.exp(noise(0.12))

    columns = {"zlogz": zlogz, "c1_b0_mmdt": c1_b0, "c1_b1_mmdt": c1_b1, "c1_b2_mmdt": c1_b2,
               "c2_b1_mmdt": c2_b1, "c2_b2_mmdt": c2_b2, "d2_b1_mmdt": d2_b1, "d2_b2_mmdt": d2_b2,
               "d2_a1_b1_mmdt": d2_a1_b1, "d2_a1_b2_mmdt": d2_a1_b2, "m2_b1_mmdt": m2_b1,
               "m2_b2_mmdt": m2_b2, "n2_b1_mmdt": n2_b1, "n2_b2_mmdt": n2_b2,
               "mass_mmdt": mass_mmdt, "multiplicity": multiplicity}
    x = np.stack([columns[f] for f in FEATURES], axis=1)
    assert np.all(np.isfinite(x)), "generated features must be finite"
    return x, labels


def build():
    """Generates, splits and standardizes; returns a dict with x_train, y_train, x_test, y_test (float32 / int64), mean, scale."""
    x, y = generate()
    n_train = int(round(TRAIN_FRACTION * y.size))
    mean = x[:n_train].mean(axis=0)
    scale = x[:n_train].std(axis=0)
    xs = ((x - mean) / scale).astype(np.float32)
    return {"x_train": xs[:n_train], "y_train": y[:n_train], "x_test": xs[n_train:], "y_test": y[n_train:],
            "mean": mean, "scale": scale}


def main():
    d = build()
    np.save(HERE / "calib.npy", d["x_train"][:N_CALIB])
    np.save(HERE / "test_inputs.npy", d["x_test"][:N_TEST_FILE])
    np.save(HERE / "test_labels.npy", d["y_test"][:N_TEST_FILE])
    meta = {"description": "synthetic jet features (see make_data.py), NOT the hls4ml LHC jet data set",
            "seed": SEED, "n_per_class": N_PER_CLASS, "train_fraction": TRAIN_FRACTION,
            "features": FEATURES, "classes": CLASSES,
            "standardization": "x_std = (x_raw - mean) / scale, mean and scale from the training split",
            "mean": [float(v) for v in d["mean"]], "scale": [float(v) for v in d["scale"]]}
    (HERE / "scaler.json").write_text(json.dumps(meta, indent=1) + "\n")
    counts = np.bincount(d["y_train"], minlength=len(CLASSES))
    print(f"train {d['y_train'].size} jets (per class {counts.tolist()}), test {d['y_test'].size} jets")
    print(f"wrote calib.npy {d['x_train'][:N_CALIB].shape}, test_inputs.npy {d['x_test'][:N_TEST_FILE].shape}, "
          f"test_labels.npy {d['y_test'][:N_TEST_FILE].shape}, scaler.json")


if __name__ == "__main__":
    main()
