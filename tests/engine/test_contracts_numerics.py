"""Contract audit (docs/NUMERICS.md: losses, class weights, batch norm, renorm,
enabled, dropout, activations, layer norm, initialisers) through build_session / predict."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erf

from engine.build import build_session

RNG = np.random.default_rng(11)


def net(layers, x, y, loss="mse", optimizer=None, batch="full", seed=1, class_weight=None,
        shuffle=False):
    d = {"format": "network-playground/design", "version": 1, "seed": seed,
         "data": {"dataset": {"x_train": np.asarray(x).tolist(), "y_train": np.asarray(y).tolist()},
                  "train_fraction": 1.0, "standardize": False},
         "model": {"input_dim": int(np.shape(x)[1]), "layers": layers},
         "loss": {"type": loss, "class_weight": class_weight},
         "optimizer": optimizer or {"type": "sgd", "learning_rate": 1e-9},
         "training": {"batch_size": batch, "epochs": 100, "shuffle": shuffle}}
    return build_session(d)


def dense(units, i="d", **kw):
    return {"id": i, "type": "dense", "units": units, **kw}


def set_dense(s, w, b, index=0):
    s.set_weights({f"layers.{index}.kernel": np.asarray(w, np.float32),
                   f"layers.{index}.bias": np.asarray(b, np.float32)})


# ---------------------------------------------------------------- losses
X = RNG.standard_normal((8, 3))
W = RNG.standard_normal((3, 2))
B = RNG.standard_normal(2) * 0.1


def logits():
    return X.astype(np.float32).astype(np.float64) @ W.astype(np.float32) + B.astype(np.float32)


def first_loss(layers, y, loss, **kw):
    s = net(layers, X, y, loss, **kw)
    set_dense(s, W, B)
    return s.step().loss


def test_mse_mae_means_over_outputs_and_batch():
    y = RNG.standard_normal((8, 2))
    z = logits()
    assert first_loss([dense(2)], y, "mse") == pytest.approx(np.mean((z - y) ** 2), rel=1e-5)
    assert first_loss([dense(2)], y, "mae") == pytest.approx(np.mean(np.abs(z - y)), rel=1e-5)


def bce(z, y):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def test_bce_several_sigmoid_outputs_mean_fused():
    y = (RNG.random((8, 2)) > 0.5).astype(float)
    got = first_loss([dense(2), {"type": "activation", "function": "sigmoid"}], y,
                     "binary_crossentropy")
    assert got == pytest.approx(np.mean(bce(logits(), y)), rel=1e-5)


def test_cross_entropy_from_logits_no_probability_clipping():
    global W
    saved = W
    W = saved * 40.0          # saturated logits: a clipped probability would cap the loss
    try:
        z = logits()
        y = (z < 0).astype(float)          # every label wrong
        got = first_loss([dense(2), {"type": "activation", "function": "sigmoid"}], y,
                         "binary_crossentropy")
        ref = np.mean(bce(z, y))
        assert ref > 20 and got == pytest.approx(ref, rel=1e-5)
    finally:
        W = saved


def log_softmax(z):
    m = z.max(1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(1, keepdims=True))


LABELS = np.array([0, 1, 1, 0, 1, 1, 1, 0])
SOFTMAX_NET = [dense(2), {"type": "activation", "function": "softmax"}]


def test_sparse_categorical_sums_over_classes_means_over_batch():
    ref = np.mean(-(np.eye(2)[LABELS] * log_softmax(logits())).sum(1))
    assert first_loss(SOFTMAX_NET, LABELS[:, None], "sparse_categorical_crossentropy") == \
        pytest.approx(ref, rel=1e-5)


def test_categorical_one_hot_inline_targets():
    onehot = np.eye(2)[LABELS]
    ref = np.mean(-(onehot * log_softmax(logits())).sum(1))
    assert first_loss(SOFTMAX_NET, onehot, "categorical_crossentropy") == pytest.approx(ref, rel=1e-5)


def test_categorical_with_generator_classes_builds():
    d = {"format": "network-playground/design", "version": 1,
         "data": {"dataset": "spiral", "samples": 40},
         "model": {"input_dim": 2, "layers": SOFTMAX_NET},
         "loss": {"type": "categorical_crossentropy"}}
    assert math.isfinite(build_session(d).run(2).loss)


def test_class_weight_dict_multiplies_sample_loss_before_plain_mean():
    y = (RNG.random((8, 1)) > 0.5).astype(float)
    y[:2] = [[0.0], [1.0]]
    z = X.astype(np.float32) @ W[:, :1].astype(np.float32) + B[:1].astype(np.float32)
    s = net([dense(1), {"type": "activation", "function": "sigmoid"}], X, y,
            "binary_crossentropy", class_weight={"0": 1.0, "1": 19.0})
    set_dense(s, W[:, :1], B[:1])
    sw = np.where(y[:, 0] == 1, 19.0, 1.0)
    assert s.step().loss == pytest.approx(np.mean(sw * bce(z, y)[:, 0]), rel=1e-5)


def test_class_weight_balanced_inverse_frequency_mean_one():
    y = np.zeros((8, 1))
    y[:2] = 1.0                               # 2 of class 1, 6 of class 0
    z = X.astype(np.float32) @ W[:, :1].astype(np.float32) + B[:1].astype(np.float32)
    s = net([dense(1), {"type": "activation", "function": "sigmoid"}], X, y,
            "binary_crossentropy", class_weight="balanced")
    set_dense(s, W[:, :1], B[:1])
    per_class = np.array([1 / 6, 1 / 2])      # inverse to class frequency ...
    per_class = per_class / per_class.mean()  # ... normalised to mean 1 (over the classes)
    sw_classes = per_class[y[:, 0].astype(int)]
    sklearn = (8 / (2 * np.array([6, 2])))[y[:, 0].astype(int)]   # mean 1 over the samples
    got = s.step().loss
    l = bce(z, y)[:, 0]
    assert got in (pytest.approx(np.mean(sw_classes * l), rel=1e-5),
                   pytest.approx(np.mean(sklearn * l), rel=1e-5))


# ---------------------------------------------------------------- batch norm
XB = RNG.standard_normal((10, 3)) * 2 + 1
YB = RNG.standard_normal((10, 3))
EYE = np.eye(3)


def bn_net(**bn):
    s = net([dense(3), {"id": "bn", "type": "batch_norm", **bn}], XB, YB, "mse")
    set_dense(s, EYE, np.zeros(3))
    return s


def xb32():
    return XB.astype(np.float32).astype(np.float64)


def test_batch_norm_training_and_moving_statistics():
    s = bn_net(momentum=0.8, epsilon=0.01)
    x = xb32()
    mu, var = x.mean(0), x.var(0)
    x_hat = (x - mu) / np.sqrt(var + 0.01)
    assert s.step().loss == pytest.approx(np.mean((x_hat - YB) ** 2), rel=1e-5)
    w = s.get_weights()
    np.testing.assert_allclose(w["layers.1.moving_mean"], 0.2 * mu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w["layers.1.moving_variance"], 0.8 + 0.2 * var * 10 / 9,
                               rtol=1e-5)
    # inference uses the moving statistics (gamma/beta barely moved at lr 1e-9)
    mean, _ = s.predict(XB)
    ref = (x - w["layers.1.moving_mean"]) / np.sqrt(w["layers.1.moving_variance"] + 0.01)
    np.testing.assert_allclose(mean, ref, rtol=1e-4, atol=1e-5)


def test_batch_norm_defaults_momentum_epsilon_by_effect():
    s = bn_net()
    x = xb32()
    mu, var = x.mean(0), x.var(0)
    x_hat = (x - mu) / np.sqrt(var + 0.001)
    assert s.step().loss == pytest.approx(np.mean((x_hat - YB) ** 2), rel=1e-5)
    np.testing.assert_allclose(s.get_weights()["layers.1.moving_mean"], 0.01 * mu, rtol=1e-5,
                               atol=1e-7)


def test_batch_renorm_r_d_and_renorm_momentum():
    s = bn_net(momentum=0.5, renorm=True, renorm_momentum=0.9, epsilon=0.001,
               renorm_clipping={"rmax": 1.5, "dmax": 0.5})
    x = xb32()
    mu_b, var_b = x.mean(0), x.var(0)
    sigma = np.sqrt(1.0 + 0.001)                         # moving stats start at 0 / 1
    sigma_b = np.sqrt(var_b + 0.001)
    r = np.clip(sigma_b / sigma, 1 / 1.5, 1.5)
    d = np.clip((mu_b - 0.0) / sigma, -0.5, 0.5)
    x_hat = (x - mu_b) / sigma_b * r + d
    snap = s.step()
    assert snap.loss == pytest.approx(np.mean((x_hat - YB) ** 2), rel=1e-5)
    w = s.get_weights()
    np.testing.assert_allclose(w["layers.1.moving_mean"], 0.1 * mu_b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w["layers.1.moving_variance"], 0.9 + 0.1 * var_b * 10 / 9,
                               rtol=1e-5)
    bn = snap.layers[1].bn
    assert bn is not None
    np.testing.assert_allclose(np.asarray(bn["r"], float), r, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(bn["d"], float), d, rtol=1e-5)
    raw_r, raw_d = sigma_b / sigma, mu_b / sigma
    assert bn["r_clipped"] == int(np.sum((raw_r > 1.5) | (raw_r < 1 / 1.5)))
    assert bn["d_clipped"] == int(np.sum(np.abs(raw_d) > 0.5))
    np.testing.assert_allclose(np.asarray(bn["batch_mean"], float), mu_b, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(bn["batch_var"], float), var_b, rtol=1e-4)


@pytest.mark.parametrize("layer", [{"type": "batch_norm"}, {"type": "dropout", "rate": 0.5},
                                   {"type": "batch_norm", "renorm": True}])
def test_enabled_false_is_identity_and_keeps_state(layer):
    s = net([dense(3), {"id": "x", **layer, "enabled": False}], XB, YB, "mse")
    set_dense(s, EYE, np.zeros(3))
    before = s.get_weights()
    snap = s.step()
    assert snap.loss == pytest.approx(np.mean((xb32() - YB) ** 2), rel=1e-5)
    after = s.get_weights()
    for k in before:
        if k.startswith("layers.1."):
            np.testing.assert_array_equal(before[k], after[k])
    np.testing.assert_allclose(s.predict(XB)[0], xb32(), rtol=1e-6, atol=1e-6)


def test_enabled_switched_off_mid_training_keeps_state():
    s = bn_net()
    s.step()
    kept = s.get_weights()
    s.set_layer_option("bn", enabled=False)
    s.step()
    now = s.get_weights()
    np.testing.assert_array_equal(kept["layers.1.moving_mean"], now["layers.1.moving_mean"])
    np.testing.assert_array_equal(kept["layers.1.moving_variance"],
                                  now["layers.1.moving_variance"])


# ---------------------------------------------------------------- dropout
def test_dropout_is_inverted():
    n, rate = 64, 0.75
    x = np.ones((n, 1))
    s = net([dense(1), {"id": "do", "type": "dropout", "rate": rate}], x, np.zeros((n, 1)))
    set_dense(s, [[1.0]], [0.0])
    loss = s.step().loss
    # each sample's output is 0 (dropped) or 1/(1-rate) = 4 (kept): loss = 16 * kept/n
    kept = loss * n / 16
    assert kept == pytest.approx(round(kept), abs=1e-6) and 0 < round(kept) < n
    np.testing.assert_allclose(s.predict(x)[0], x, rtol=1e-6)   # identity at inference


# ---------------------------------------------------------------- activations
Z = np.linspace(-3, 3, 25)[:, None]


def act_out(function, **params):
    s = net([dense(1), {"id": "a", "type": "activation", "function": function, **params}],
            Z, np.zeros_like(Z))
    set_dense(s, [[1.0]], [0.0])
    return s.predict(Z)[0][:, 0]


def sig(z):
    return 1 / (1 + np.exp(-z))


SELU_A, SELU_L = 1.6732632423543772, 1.0507009873554805
ACTS = {
    "linear": lambda z: z, "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "prelu": lambda z: np.where(z > 0, z, 0.25 * z),
    "rrelu": lambda z: np.where(z >= 0, z, (1 / 8 + 1 / 3) / 2 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(z)),
    "selu": lambda z: SELU_L * np.where(z > 0, z, SELU_A * np.expm1(z)),
    "gelu": lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2))),
    "tanh": np.tanh, "sigmoid": sig, "softplus": lambda z: np.log1p(np.exp(z)),
    "swish": lambda z: z * sig(z),
}


@pytest.mark.parametrize("function", list(ACTS))
def test_activation_formulas_and_defaults(function):
    z = Z[:, 0]
    np.testing.assert_allclose(act_out(function), ACTS[function](z), rtol=2e-5, atol=2e-6)


def test_activation_parameters():
    z = Z[:, 0]
    np.testing.assert_allclose(act_out("leaky_relu", alpha=0.3), np.where(z > 0, z, 0.3 * z),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(act_out("elu", alpha=2.0), np.where(z > 0, z, 2 * np.expm1(z)),
                               rtol=1e-5, atol=1e-6)


def test_layer_norm_per_sample_over_features():
    s = net([dense(3), {"id": "ln", "type": "layer_norm"}], XB, YB, "mse")
    set_dense(s, EYE, np.zeros(3))
    x = xb32()
    ref = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(s.predict(XB)[0], ref, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- initialisers
def kernel_of(init, fan_in=300, units=200):
    x = RNG.standard_normal((4, fan_in))
    s = net([dense(units, kernel_initializer=init)], x, np.zeros((4, units)), seed=3)
    return s.get_weights()["layers.0.kernel"].astype(np.float64)


def test_random_normal_defaults_by_effect():
    k = kernel_of({"type": "random_normal"})
    assert abs(k.mean()) < 0.002 and k.std() == pytest.approx(0.05, rel=0.02)
    assert np.abs(k).max() > 0.15          # not truncated


def test_random_uniform_defaults_by_effect():
    k = kernel_of({"type": "random_uniform"})
    assert k.min() >= -0.05 and k.max() <= 0.05 and k.min() < -0.049 and k.max() > 0.049


def test_variance_scaling_untruncated_fan_in_is_n_0_1_over_fan_in():
    k = kernel_of({"type": "variance_scaling", "scale": 1.0, "mode": "fan_in",
                   "distribution": "untruncated_normal"})
    assert k.std() == pytest.approx(1 / math.sqrt(300), rel=0.02)
    assert np.abs(k).max() > 3 / math.sqrt(300)


@pytest.mark.parametrize("name,std", [("he_normal", math.sqrt(2 / 300)),
                                      ("lecun_normal", math.sqrt(1 / 300)),
                                      ("glorot_normal", math.sqrt(2 / 500))])
def test_normal_initialisers_truncated_at_two_std_as_keras(name, std):
    k = kernel_of(name)
    assert k.std() == pytest.approx(std, rel=0.03)          # Keras corrects for truncation
    assert np.abs(k).max() <= 2 * std / 0.87962566103423978 * (1 + 1e-6)


@pytest.mark.parametrize("name,limit", [("glorot_uniform", math.sqrt(6 / 500)),
                                        ("he_uniform", math.sqrt(6 / 300)),
                                        ("lecun_uniform", math.sqrt(3 / 300))])
def test_uniform_initialisers(name, limit):
    k = kernel_of(name)
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.98 * limit


def test_constant_ones_zeros():
    assert np.all(kernel_of({"type": "constant", "value": 0.3}, 5, 3) == np.float32(0.3))
    assert np.all(kernel_of("ones", 5, 3) == 1) and np.all(kernel_of("zeros", 5, 3) == 0)


def test_val_loss_from_logits_without_clipping():
    xv = X[:4] * 1.0
    zv = xv.astype(np.float32).astype(np.float64) @ (W[:, :1] * 40).astype(np.float32) \
        + B[:1].astype(np.float32)
    yv = (zv < 0).astype(float)                           # every validation label wrong
    d = {"format": "network-playground/design", "version": 1, "seed": 1,
         "data": {"dataset": {"x_train": X.tolist(), "y_train": (X[:, :1] > 0).astype(float).tolist(),
                              "x_val": xv.tolist(), "y_val": yv.tolist()},
                  "standardize": False},
         "model": {"input_dim": 3, "layers": [dense(1), {"type": "activation",
                                                         "function": "sigmoid"}]},
         "loss": {"type": "binary_crossentropy"},
         "optimizer": {"type": "sgd", "learning_rate": 1e-30},
         "training": {"batch_size": "full", "epochs": 5, "shuffle": False}}
    s = build_session(d)
    set_dense(s, W[:, :1] * 40, B[:1])
    snap = s.run_epoch()
    ref = np.mean(bce(zv, yv))
    assert ref > 20 and snap.val_loss == pytest.approx(ref, rel=1e-4)
    assert snap.val_accuracy == 0.0


def test_bce_two_sigmoid_outputs_with_one_hot_looking_targets():
    y = np.eye(2)[LABELS]
    got = first_loss([dense(2), {"type": "activation", "function": "sigmoid"}], y,
                     "binary_crossentropy")
    assert got == pytest.approx(np.mean(bce(logits(), y)), rel=1e-5)


def test_mse_uses_the_given_targets_minus_one_one():
    y = np.where(X[:, :1] > 0, 1.0, -1.0)
    z = X.astype(np.float32) @ W[:, :1].astype(np.float32) + B[:1].astype(np.float32)
    s = net([dense(1)], X, y, "mse")
    set_dense(s, W[:, :1], B[:1])
    assert s.step().loss == pytest.approx(np.mean((z - y) ** 2), rel=1e-5)
