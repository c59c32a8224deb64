"""A small numpy evaluator for the ONNX graphs exported by the example scripts.

It runs the nodes of a model in graph order on float64 copies of the inputs and
initializers, so the exported file itself (not the PyTorch module it came from)
is what gets checked. Only the operators the examples use are implemented; any
other operator, or an attribute value outside what is implemented, raises
ValueError instead of being skipped.
"""

import numpy as np
from onnx import numpy_helper

SUPPORTED_OPS = ("Gemm", "MatMul", "Add", "Relu", "Softmax", "Conv",
                 "BatchNormalization", "Flatten", "Reshape", "Identity")


def _attrs(node):
    out = {}
    for a in node.attribute:
        if a.type == a.INT:
            out[a.name] = a.i
        elif a.type == a.FLOAT:
            out[a.name] = a.f
        elif a.type == a.INTS:
            out[a.name] = list(a.ints)
        elif a.type == a.STRING:
            out[a.name] = a.s.decode()
        else:
            raise ValueError(f"node '{node.name}' ({node.op_type}): attribute '{a.name}' has unsupported type {a.type}")
    return out


def _gemm(node, a, b, c=None):
    at = _attrs(node)
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    y = at.get("alpha", 1.0) * (a @ b)
    if c is not None:
        y = y + at.get("beta", 1.0) * c
    return y


def _softmax(node, x):
    axis = _attrs(node).get("axis", -1)  # opset 13 semantics: along one axis
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _conv(node, x, w, b=None):
    at = _attrs(node)
    if at.get("group", 1) != 1:
        raise ValueError(f"node '{node.name}' (Conv): group {at['group']} is not implemented")
    if any(d != 1 for d in at.get("dilations", [1, 1])):
        raise ValueError(f"node '{node.name}' (Conv): dilations {at['dilations']} are not implemented")
    if at.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
        raise ValueError(f"node '{node.name}' (Conv): auto_pad {at['auto_pad']} is not implemented")
    sh, sw = at.get("strides", [1, 1])
    pt, pl, pb, pr = at.get("pads", [0, 0, 0, 0])
    n, c, h, wd = x.shape
    m, cw, kh, kw = w.shape
    if cw != c:
        raise ValueError(f"node '{node.name}' (Conv): input has {c} channels but the weight expects {cw}")
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=x.dtype)
    xp[:, :, pt:pt + h, pl:pl + wd] = x
    oh = (h + pt + pb - kh) // sh + 1
    ow = (wd + pl + pr - kw) // sw + 1
    y = np.zeros((n, m, oh, ow), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]  # [n, c, kh, kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        y = y + b.reshape(1, m, 1, 1)
    return y


def _batchnorm(node, x, scale, bias, mean, var):
    eps = _attrs(node).get("epsilon", 1e-5)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)) * scale.reshape(shape) + bias.reshape(shape)


def _flatten(node, x):
    axis = _attrs(node).get("axis", 1)
    lead = int(np.prod(x.shape[:axis])) if axis > 0 else 1
    return x.reshape(lead, -1)


def _reshape(node, x, shape):
    shape = [int(s) for s in shape]
    if _attrs(node).get("allowzero", 0) == 0:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


_OPS = {
    "Gemm": _gemm,
    "MatMul": lambda node, a, b: a @ b,
    "Add": lambda node, a, b: a + b,
    "Relu": lambda node, x: np.maximum(x, 0.0),
    "Softmax": _softmax,
    "Conv": _conv,
    "BatchNormalization": _batchnorm,
    "Flatten": _flatten,
    "Reshape": _reshape,
    "Identity": lambda node, x: x,
}


def run(model, feeds):
    """Evaluates `model` (an onnx.ModelProto) on `feeds` (name -> array); returns the graph outputs as float64 arrays."""
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype.kind == "f"
           else numpy_helper.to_array(t) for t in model.graph.initializer}
    for name, value in feeds.items():
        env[name] = np.asarray(value, dtype=np.float64)
    for node in model.graph.node:
        if node.op_type not in _OPS:
            raise ValueError(f"node '{node.name}' ({node.op_type}): operator not implemented by the numpy reference")
        if node.domain not in ("", "ai.onnx"):
            raise ValueError(f"node '{node.name}' ({node.op_type}): domain '{node.domain}' not implemented")
        args = [env[i] if i else None for i in node.input]
        outs = _OPS[node.op_type](node, *args)
        if node.op_type == "BatchNormalization" and len(node.output) > 1:
            raise ValueError(f"node '{node.name}' (BatchNormalization): training-mode outputs are not implemented")
        env[node.output[0]] = outs
    return [env[o.name] for o in model.graph.output]


def check_against(model, feeds, expected, atol=1e-5, rtol=0.0, label="model"):
    """Runs the numpy reference and asserts |numpy - expected| <= atol + rtol * |expected| element-wise for every
    output (`expected` is a list of arrays); returns the largest absolute difference."""
    got = run(model, feeds)
    if len(got) != len(expected):
        raise AssertionError(f"{label}: the graph has {len(got)} outputs but {len(expected)} expected arrays were given")
    worst = 0.0
    for g, e in zip(got, expected):
        e = np.asarray(e, dtype=np.float64)
        if g.shape != e.shape:
            raise AssertionError(f"{label}: numpy output shape {g.shape} differs from torch shape {e.shape}")
        diff = np.abs(g - e)
        worst = max(worst, float(diff.max()))
        bad = diff > atol + rtol * np.abs(e)
        if bad.any():
            raise AssertionError(f"{label}: numpy reference differs from torch by {float(diff[bad].max()):.3g} "
                                 f"at {int(bad.sum())} elements (tolerance {atol:g} + {rtol:g} * |torch|)")
    return worst
