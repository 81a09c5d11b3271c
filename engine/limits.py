"""The engine's limits in one place (docs/LIMITS.md is their documentation).

Every size that comes from a file or a user is checked against these *before* anything of that size
is allocated or handed to compiled code; beyond a limit the answer is ``BadInput`` naming the field,
the size asked for and the limit. This module imports nothing of the engine: the modules that check
a limit import its number from here (``engine.layers.base.MAX_UNITS`` repeats ``MAX_UNITS``; a test
keeps them equal).
"""
from __future__ import annotations

# ---- designs -----------------------------------------------------------------------------
MAX_DESIGN_BYTES = 64 * 2**20        # a design file (inline data included)
MAX_UNITS = 4096                     # width of one layer (units)
MAX_JSON_DEPTH = 32                  # nesting of arrays/objects in a design (a design needs ~6)
MAX_LAYERS = 256                     # layers in model.layers
MAX_PARAMETERS = 20_000_000          # weights of the whole model (Keras count_params)
MAX_INPUT_DIM = 100_000              # model.input_dim
MAX_CLASSES = MAX_UNITS              # class indices (class_weight keys, sparse targets)
MAX_WORK_BYTES = 2**30               # activation memory: the work buffer of one batch
MAX_STEP_FLOPS = 10**11              # work of one step: 6 x parameters x batch rows
MAX_TEXT_QUOTE = 80                  # characters of a bad value quoted in a message

# ---- data ---------------------------------------------------------------------------------
MAX_SAMPLES = 100_000                # data.samples of a generator
MAX_INLINE_VALUES = 1_000_000        # numbers of inline data in a design
MAX_FILE_BYTES = 200 * 2**20         # a CSV or NPZ data file on disk
MAX_VALUES = 50_000_000              # numbers in one data array (x_train of a file, say)
MAX_TEXT_CLASSES = 256               # distinct text class labels
MAX_ROWS = 1_000_000                 # rows of a CSV file or of an NPZ array
MAX_COLUMNS = MAX_INPUT_DIM + 1      # columns of a CSV file (features and the label)
MAX_NPZ_MEMBERS = 100_000            # arrays in an .npz archive (weights, checkpoints, data)
MAX_NPZ_BYTES = 2 * 2**30            # uncompressed size of all arrays of one .npz archive
MAX_META_BYTES = 64 * 2**20          # a checkpoint's meta.json text

# ---- sessions -----------------------------------------------------------------------------
MAX_HISTORY = 4096                   # per-epoch history rows kept (older ones decimated)
MAX_REWIND_BYTES = 48 * 2**20        # memory of the app's rewind points (engine/rewind.py)
MAX_PREDICT_ROWS = 10_000_000        # rows of one predict / evaluate call
MAX_MC_PASSES = 10_000               # Monte-Carlo dropout passes of one predict call
MAX_STEP = 2**62                     # step and iteration counters read from a checkpoint


def quote(value: object, limit: int = MAX_TEXT_QUOTE) -> str:
    """``repr(value)`` cut to about ``limit`` characters (the middle elided), safe to print:
    lone surrogates and other unprintable characters are escaped."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a hostile __repr__
        text = f"<{type(value).__name__}>"
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]} ({len(text):,} characters)"
