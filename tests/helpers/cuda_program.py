"""A minimal driver that builds the compiled program's arguments from a Model (as the session does)
and runs the same steps on the CPU program and on CudaProgram."""
from __future__ import annotations

import copy
import math

import numpy as np

from engine import optimizers
from engine.layers import from_config as layer_from_config
from engine.model import Model
from engine.program import plan as P

SMALL_DESIGN_LAYERS = [
    {"type": "dense", "id": "d1", "units": 6, "use_bias": False, "kernel_regularizer": {"l1": 1e-3, "l2": 1e-3}},
    {"type": "batch_norm", "id": "bn1", "momentum": 0.9},
    {"type": "activation", "id": "a1", "function": "relu"},
    {"type": "dropout", "id": "do1", "rate": 0.25},
    {"type": "dense", "id": "d2", "units": 1},
    {"type": "activation", "id": "a2", "function": "sigmoid"},
]


def make_model(layer_cfgs=None, input_dim=2, seed=0, capacity=16, dtype=np.float32) -> Model:
    layers = [layer_from_config(copy.deepcopy(c)) for c in (layer_cfgs or SMALL_DESIGN_LAYERS)]
    return Model(layers, input_dim, dtype=dtype, seed=seed, capacity=capacity)


def make_data(n=16, input_dim=2, seed=3, kind="binary", n_out=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, input_dim)).astype(np.float32)
    if kind == "binary":
        y = (x[:, :1] * x[:, 1:2] > 0).astype(np.float32)
    elif kind == "sparse":
        y = rng.integers(0, n_out, (n, 1)).astype(np.float32)
    else:
        y = rng.standard_normal((n, n_out)).astype(np.float32)
    return x, y, np.ones(n, np.float32)


class ProgramArgs:
    """Every array train_steps needs, owned like the session owns them."""

    def __init__(self, model: Model, opt_cfg: dict, loss_code: int, fused: int, seed: int = 7):
        self.model = model
        self.opt = optimizers.from_config(copy.deepcopy(opt_cfg))
        p = model.params.size
        self.slots = np.zeros((3, p), model.dtype)
        for k, name in enumerate(self.opt.slot_layout()):
            if name is not None:
                self.slots[k] = self.opt.slot_initial_value(name)
        self.wprev = np.zeros(p, model.dtype)
        self.hp = self.opt.hparams()
        self.ostate = self.opt.init_scalar_state()
        self.loss_code, self.fused, self.seed = loss_code, fused, seed
        self.step = 0
        self.fcfg = np.array([math.nan if v is None else v for v in self.opt.clip_values()]
                             if hasattr(self.opt, "clip_values") else [math.nan] * 3, np.float64)

    def run(self, program, x, y, sw, bidx, bstart, lr=0.01, monitor=True):
        m = self.model
        m.ensure_capacity(int(np.max(np.diff(bstart))), targets=y.shape[1])  # as the session
        n_steps = len(bstart) - 1
        icfg = np.zeros(P.ICFG_LEN, np.int64)
        icfg[P.I_SEED], icfg[P.I_STEP0], icfg[P.I_LOSS] = self.seed, self.step, self.loss_code
        icfg[P.I_FUSED], icfg[P.I_OPT], icfg[P.I_T0] = self.fused, self.opt.code, self.step
        icfg[P.I_NFWD] = len(m.layers) - (1 if self.fused else 0)
        icfg[P.I_APPLY], icfg[P.I_MONITOR] = 1, int(monitor)
        lrs = np.full(n_steps, lr)
        moms = np.full(n_steps, self.opt.momentum_value())
        losses, accs = np.zeros(n_steps), np.zeros(n_steps)
        pmon = np.zeros((m.ptab.shape[0], 4))
        res = np.zeros(P.RES_LEN, np.int64)
        program.train_steps(m.ip, m.fp, m.ptab, m.lay, m.params, m.grads, m.state, m.work,
                            self.slots, self.wprev, x, y, sw, np.asarray(bidx, np.int64),
                            np.asarray(bstart, np.int64), lrs, moms, self.hp, self.ostate, icfg,
                            self.fcfg, losses, accs, pmon, res)
        self.step += int(res[P.R_DONE])
        return losses, accs, pmon, res


def make_cuda_session(*args, resident: bool = False, **kwargs):
    """``session_from_configs(*args, **kwargs)`` on a drop-in or resident CudaProgram."""
    from engine.backends.cuda import make_cuda_program
    from engine.build import session_from_configs
    return session_from_configs(*args, program=make_cuda_program(resident=resident), **kwargs)
