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

# icfg entries of a training call (train_steps reads 0..8; train_run all of them)
I_SEED, I_STEP0, I_LOSS, I_FUSED, I_OPT, I_T0, I_NFWD, I_APPLY, I_MONITOR = range(9)
# train_run: training rows, rows per batch, shuffle on, epochs limit, stop at the first epoch end,
# gradient-figure cadence (0: off), in-loop monitor-pass cadence (0: none), a monitor pass after the
# call's steps, batches from bidx/bstart (train_steps) instead of the epoch permutation
I_N, I_BATCH, I_SHUFFLE, I_EPOCHS, I_EPOCH_STOP, I_MON_EVERY, I_PASS_EVERY, I_PASS_END, \
    I_EXPLICIT = range(9, 18)
ICFG_LEN = 20

# cnt entries of train_run (read and advanced by the call): epoch, position in it, the epoch whose
# permutation ``perm`` holds (PERM_NONE: none, PERM_IDENTITY: no shuffling), gradient-figure rows and
# monitor passes written to the rings since the session began, epochs ended by this call
K_EPOCH, K_POS, K_PERM_EPOCH, K_GROWS, K_PROWS, K_ENDED = range(6)
CNT_LEN = 8
PERM_NONE, PERM_IDENTITY = -1, -2

# epout columns (one row per epoch ended in a call): mean loss, mean accuracy (0 when none),
# step count at its end, learning rate of its last step
E_LOSS, E_ACC, E_STEP, E_LR = range(4)
EPOUT_COLS = 4

# gring columns (per recorded step and parameter row): gradient sum of squares before clipping,
# update sum of squares, sum of squares of the weights before the update
G_GRAD2, G_UPD2, G_W2 = range(3)

# res entries of a training call
R_DONE, R_STATUS, R_LAYER, R_WHAT, R_PASSED = range(5)
RES_LEN = 8
WHAT_LOSS, WHAT_GRAD, WHAT_WEIGHTS = 1, 2, 3
