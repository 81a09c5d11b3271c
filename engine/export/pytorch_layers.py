"""PyTorch source for each layer of a design (used by ``engine.export.pytorch``).

Every design layer becomes exactly one module of an ``nn.Sequential``, so ``model[i]`` in the
generated script is ``model.layers[i]`` of the design and the weights keys ``layers.{i}.{name}``
map onto it directly. Layers switched off in the design (``enabled: false``) become ``nn.Identity``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.errors import BadInput

# Activation function -> (PyTorch module expression, parameter defaults as in docs/NUMERICS.md).
ACTIVATION_MODULES: dict[str, tuple[str, dict[str, float]]] = {
    "linear": ("nn.Identity()", {}),
    "relu": ("nn.ReLU()", {}),
    "leaky_relu": ("nn.LeakyReLU(negative_slope={alpha!r})", {"alpha": 0.2}),
    "prelu": ("nn.PReLU(num_parameters={units}, init={alpha!r})", {"alpha": 0.25}),
    "rrelu": ("nn.RReLU(lower={lower!r}, upper={upper!r})", {"lower": 1.0 / 8.0, "upper": 1.0 / 3.0}),
    "elu": ("nn.ELU(alpha={alpha!r})", {"alpha": 1.0}),
    "selu": ("nn.SELU()", {}),
    "gelu": ("nn.GELU(approximate='none')", {}),  # exact, erf form
    "tanh": ("nn.Tanh()", {}),
    "sigmoid": ("nn.Sigmoid()", {}),
    "softplus": ("nn.Softplus()", {}),
    "swish": ("nn.SiLU()", {}),  # x * sigmoid(x)
    "softmax": ("nn.Softmax(dim=1)", {}),
}

LAYER_TYPES = ("dense", "activation", "batch_norm", "layer_norm", "dropout", "alpha_dropout",
               "gaussian_noise")


@dataclass
class LayerCode:
    """The generated code for one layer.

    ``module``: expression building the module; ``comment``: one line describing the layer;
    ``init``: statements run under ``torch.no_grad()`` after the model is built (``m`` is the
    layer's module); ``blocks``: runtime blocks (template names) the module needs; ``penalty``:
    ``(l1, l2)`` on the kernel or None; ``max_norm``: the kernel's max-norm constraint or None.
    """

    module: str
    comment: str
    init: list[str] = field(default_factory=list)
    blocks: set[str] = field(default_factory=set)
    penalty: tuple[float, float] | None = None
    max_norm: float | None = None


def initializer_spec(value: Any, path: str) -> dict[str, Any]:
    """Normalise an initialiser (a name or ``{"type": ..., params}``) to a dict with ``type``."""
    if isinstance(value, str):
        return {"type": value}
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return dict(value)
    raise BadInput(f"must be an initializer name or an object with 'type', got {value!r}", path)


def _init_call(target: str, spec: dict[str, Any], fans: str, note: str = "") -> str:
    """``keras_init_(...)``, on two lines when one would be long."""
    call = f"keras_init_({target}, {spec!r}, {fans}){note}"
    if len(call) <= 88:
        return call
    return f"keras_init_({target},{note}\n            {spec!r},\n            {fans})"


def _dense(cfg: dict[str, Any], width: int, path: str) -> tuple[LayerCode, int]:
    units = int(cfg["units"])
    use_bias = bool(cfg.get("use_bias", True))
    kernel_init = initializer_spec(cfg.get("kernel_initializer", "glorot_uniform"),
                                   f"{path}.kernel_initializer")
    code = LayerCode(f"nn.Linear({width}, {units}, bias={use_bias})",
                     f"dense {width} -> {units}, kernel {kernel_init['type']}")
    fans = f"fan_in={width}, fan_out={units}"
    code.init.append(_init_call("m.weight", kernel_init, fans, "  # weight = kernel.T"))
    if use_bias:
        bias_init = initializer_spec(cfg.get("bias_initializer", "zeros"), f"{path}.bias_initializer")
        code.init.append(_init_call("m.bias", bias_init, fans))
    code.blocks.add("keras_init_")
    reg = cfg.get("kernel_regularizer") or {}
    l1, l2 = float(reg.get("l1") or 0.0), float(reg.get("l2") or 0.0)
    if l1 or l2:
        code.penalty = (l1, l2)
        code.comment += f", l1 {l1:g}, l2 {l2:g}"
    max_norm = (cfg.get("kernel_constraint") or {}).get("max_norm")
    if max_norm is not None:
        code.max_norm = float(max_norm)
        code.comment += f", max_norm {max_norm:g}"
    if not cfg.get("trainable", True):
        code.init.append("m.requires_grad_(False)  # trainable: false")
        code.comment += ", frozen"
    return code, units


def _activation(cfg: dict[str, Any], width: int, path: str) -> tuple[LayerCode, int]:
    function = cfg.get("function")
    if function not in ACTIVATION_MODULES:
        raise BadInput(f"cannot export activation {function!r} (known: "
                       f"{', '.join(ACTIVATION_MODULES)})", f"{path}.function")
    template, defaults = ACTIVATION_MODULES[function]
    params = {key: float(cfg.get(key) if cfg.get(key) is not None else default)
              for key, default in defaults.items()}
    code = LayerCode(template.format(units=width, **params), f"activation {function}")
    if function == "prelu" and not cfg.get("trainable", True):
        code.init.append("m.requires_grad_(False)  # trainable: false")
    return code, width


def _affine_flags(cfg: dict[str, Any], code: LayerCode) -> None:
    """Freeze gamma (``scale: false``) or beta (``center: false``) of an affine normalisation."""
    if not cfg.get("trainable", True):
        code.init.append("m.requires_grad_(False)  # trainable: false")
        return
    if not cfg.get("scale", True):
        code.init.append("m.weight.requires_grad_(False)  # scale: false, gamma stays 1")
    if not cfg.get("center", True):
        code.init.append("m.bias.requires_grad_(False)  # center: false, beta stays 0")


def _batch_norm(cfg: dict[str, Any], width: int, path: str) -> tuple[LayerCode, int]:
    eps = float(cfg.get("epsilon", 0.001))
    center, scale = bool(cfg.get("center", True)), bool(cfg.get("scale", True))
    if not cfg.get("enabled", True):
        return LayerCode("nn.Identity()", "batch_norm, switched off in the design"), width
    if not cfg.get("trainable", True):  # Keras: a frozen batch norm runs in inference mode
        k = float(cfg.get("momentum", 0.99))
        code = LayerCode(f"FrozenBatchNorm1d({width}, eps={eps!r}, momentum=1 - {k!r}, "
                         f"affine={center or scale})",
                         "batch_norm with trainable: false (inference mode, as Keras)",
                         blocks={"FrozenBatchNorm1d"})
        code.init.append("m.requires_grad_(False)  # trainable: false")
        return code, width
    if cfg.get("renorm", False):
        clip = cfg.get("renorm_clipping") or {}
        rmax, dmax = float(clip.get("rmax", 3.0)), float(clip.get("dmax", 5.0))
        k = float(cfg.get("renorm_momentum", 0.99))
        code = LayerCode(f"BatchRenorm({width}, momentum={k!r}, epsilon={eps!r}, rmax={rmax!r}, "
                         f"dmax={dmax!r}, center={center}, scale={scale})",
                         "batch renorm (Keras momentum convention)", blocks={"BatchRenorm"})
        return code, width
    k = float(cfg.get("momentum", 0.99))
    code = LayerCode(f"nn.BatchNorm1d({width}, eps={eps!r}, momentum=1 - {k!r}, "
                     f"affine={center or scale})",
                     f"batch_norm: torch momentum = 1 - Keras momentum {k!r}")
    if center or scale:
        _affine_flags(cfg, code)
    return code, width


def _layer_norm(cfg: dict[str, Any], width: int, path: str) -> tuple[LayerCode, int]:
    eps = float(cfg.get("epsilon", 0.001))
    center, scale = bool(cfg.get("center", True)), bool(cfg.get("scale", True))
    code = LayerCode(f"nn.LayerNorm({width}, eps={eps!r}, elementwise_affine={center or scale}, "
                     f"bias={center})", "layer_norm over the features of each sample")
    if scale or center:
        if not cfg.get("trainable", True):
            code.init.append("m.requires_grad_(False)  # trainable: false")
        elif not scale:
            code.init.append("m.weight.requires_grad_(False)  # scale: false, gamma stays 1")
    return code, width


def _noise(cfg: dict[str, Any], width: int, path: str) -> tuple[LayerCode, int]:
    kind = cfg["type"]
    if not cfg.get("enabled", True):
        return LayerCode("nn.Identity()", f"{kind}, switched off in the design"), width
    if kind == "gaussian_noise":
        stddev = float(cfg.get("stddev", 0.1))
        return LayerCode(f"GaussianNoise(stddev={stddev!r})", "gaussian_noise (training only)",
                         blocks={"GaussianNoise"}), width
    rate = float(cfg.get("rate", 0.5))
    module = "nn.Dropout" if kind == "dropout" else "nn.AlphaDropout"
    note = "inverted dropout" if kind == "dropout" else "alpha dropout (for SELU nets)"
    return LayerCode(f"{module}(p={rate!r})", note), width


RENDERERS = {"dense": _dense, "activation": _activation, "batch_norm": _batch_norm,
             "layer_norm": _layer_norm, "dropout": _noise, "alpha_dropout": _noise,
             "gaussian_noise": _noise}


def render_layers(layers: list[dict[str, Any]], input_dim: int) -> list[LayerCode]:
    """One ``LayerCode`` per design layer, tracking the width from ``input_dim``."""
    out: list[LayerCode] = []
    width = int(input_dim)
    for i, cfg in enumerate(layers):
        path = f"model.layers[{i}]"
        if not isinstance(cfg, dict):
            raise BadInput(f"must be an object, got {type(cfg).__name__}", path)
        kind = cfg.get("type")
        if kind not in RENDERERS:
            raise BadInput(f"cannot export layer type {kind!r} (known: {', '.join(LAYER_TYPES)})",
                           f"{path}.type")
        code, width = RENDERERS[kind](cfg, width, path)
        layer_id = cfg.get("id")
        code.comment = f"[{i}]{' ' + repr(layer_id) if layer_id else ''} {code.comment}"
        out.append(code)
    return out


def fused_output(layers: list[dict[str, Any]], loss_type: str) -> bool:
    """True when the loss is computed from logits: a sigmoid output with binary cross-entropy or a
    softmax output with a categorical cross-entropy (docs/NUMERICS.md: fused, no clipping)."""
    if not layers or layers[-1].get("type") != "activation":
        return False
    function = layers[-1].get("function")
    if function == "sigmoid":
        return loss_type == "binary_crossentropy"
    if function == "softmax":
        return loss_type in ("categorical_crossentropy", "sparse_categorical_crossentropy")
    return False
