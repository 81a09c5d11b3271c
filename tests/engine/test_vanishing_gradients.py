"""The engine issue's vanishing-gradient check on the digits data (64-30-30-30-30-10):

sigmoid with weights N(0, 1/fan_in) and biases N(0, 1): at initialisation the 4th hidden layer's
bias-gradient norm is >= 20x the 1st's; with He initialisation and ReLU it is <= 5x.
"""
from __future__ import annotations

import pytest

from engine.data import DataConfig, load_dataset
from engine.build import session_from_configs


@pytest.fixture(scope="module")
def digits():
    cfg = DataConfig.from_config({"dataset": "digits", "train_fraction": 0.8, "standardize": True})
    return load_dataset(cfg, None, 0)


def bias_grad_norms(data, function, kernel_init, bias_init, seed=0):
    layers = []
    for i in range(4):
        layers.append({"type": "dense", "units": 30, "kernel_initializer": kernel_init,
                       "bias_initializer": bias_init, "id": f"h{i + 1}"})
        layers.append({"type": "activation", "function": function})
    layers += [{"type": "dense", "units": 10, "kernel_initializer": kernel_init},
               {"type": "activation", "function": "softmax"}]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 1e-9},
                             None, {"type": "sparse_categorical_crossentropy"}, data, seed=seed,
                             batch_size=256, monitor_every=1)
    snap = s.step()
    return [snap.layers[2 * i].bias_grad_norm for i in range(4)]


def test_sigmoid_gradients_vanish_towards_the_input(digits):
    assert digits.x_train.shape[1] == 64
    norms = bias_grad_norms(digits, "sigmoid",
                            {"type": "variance_scaling", "scale": 1.0, "mode": "fan_in",
                             "distribution": "untruncated_normal"},
                            {"type": "random_normal", "mean": 0.0, "stddev": 1.0})
    assert norms[3] >= 20 * norms[0], norms
    assert norms[0] < norms[1] < norms[2] < norms[3]


def test_he_relu_keeps_gradients_balanced(digits):
    norms = bias_grad_norms(digits, "relu", "he_normal", "zeros")
    assert norms[3] <= 5 * norms[0], norms
