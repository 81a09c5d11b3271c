"""Column indices of the program's plan tables (shared by engine/model.py and the kernels).

``ip`` int64 (n_layers, IP_COLS), ``fp`` float64 (n_layers, FP_COLS), ``lay`` int64 (LAY_COLS,).
"""
from __future__ import annotations

# layer codes
DENSE, ACTIVATION, BATCH_NORM, LAYER_NORM, DROPOUT, ALPHA_DROPOUT, GAUSSIAN_NOISE = range(7)

# ip columns
C_CODE, C_ACT, C_IN, C_OUT, C_P0, C_P1, C_S0, C_OUT_OFF, C_CACHE, C_FLAGS, C_KEY, C_STATS, \
    C_IN_OFF, C_PROW0, C_PROW1 = range(15)
IP_COLS = 16

# flags
F_ENABLED, F_RENORM, F_TRAINABLE, F_USE_BIAS, F_CENTER, F_SCALE = 1, 2, 4, 8, 16, 32

# fp columns
P_RATE, P_P1, P_P2, P_EPS, P_MOM, P_RMOM, P_RMAX, P_DMAX, P_L1, P_L2, P_MAXNORM, P_STDDEV = range(12)
FP_COLS = 16

# lay entries: work-buffer layout
L_X, L_Y, L_SW, L_GA, L_GB, L_CAP, L_T, L_IN = range(8)
LAY_COLS = 8

# ptab flags (docs/ARCHITECTURE.md): bit 0 trainable, bit 1 kernel
PT_TRAINABLE, PT_KERNEL = 1, 2

# icfg entries of a training call
I_SEED, I_STEP0, I_LOSS, I_FUSED, I_OPT, I_T0, I_NFWD, I_APPLY, I_MONITOR = range(9)
ICFG_LEN = 12

# res entries of a training call
R_DONE, R_STATUS, R_LAYER, R_WHAT = range(4)
RES_LEN = 8
WHAT_LOSS, WHAT_GRAD, WHAT_WEIGHTS = 1, 2, 3
