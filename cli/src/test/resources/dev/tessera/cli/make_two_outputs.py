#!/usr/bin/python3
"""Writes two_outputs.onnx: x [batch, 4] -> Gemm 'dense' -> logits [batch, 3] -> Relu 'relu' -> probs [batch, 3],
graph outputs (probs, logits). A test model with two outputs for 'tessera predict'. Run: /usr/bin/python3 make_two_outputs.py
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

W = np.array([[0.5, -1.0, 0.25], [1.5, 0.75, -0.5], [-0.25, 0.5, 1.0], [1.0, -0.5, 0.125]], dtype=np.float32)
b = np.array([0.125, -0.25, 0.5], dtype=np.float32)
nodes = [helper.make_node('Gemm', ['x', 'W', 'b'], ['logits'], name='dense'),
         helper.make_node('Relu', ['logits'], ['probs'], name='relu')]
g = helper.make_graph(nodes, 'two_outputs',
                      [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 4])],
                      [helper.make_tensor_value_info('probs', TensorProto.FLOAT, ['batch', 3]),
                       helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch', 3])],
                      [numpy_helper.from_array(W, 'W'), numpy_helper.from_array(b, 'b')])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)], producer_name='tessera-cli-test')
m.ir_version = 7
onnx.checker.check_model(m, full_check=True)
onnx.save(m, 'two_outputs.onnx')
