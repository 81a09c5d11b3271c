"""Data sets: generators (TF Playground's), the shipped digits, CSV/NPZ files and inline arrays.

``DataConfig`` is the design's ``data`` section; ``load_dataset(cfg, base_dir, seed)`` turns it
into a ``DataSet`` (split, features, standardisation); ``n_features(cfg)`` counts the model
inputs without generating anything.
"""
from engine.data.config import BUILTIN_NAMES, MAX_SAMPLES, DataConfig, describe_builtin
from engine.data.dataset import DataSet
from engine.data.features import CROSSES
from engine.data.files import DataFileError
from engine.data.generators import GENERATORS
from engine.data.labels import one_hot
from engine.data.load import load_dataset, n_features
from engine.data.streams import data_stream

__all__ = ["BUILTIN_NAMES", "CROSSES", "GENERATORS", "MAX_SAMPLES", "DataConfig", "DataFileError",
           "DataSet", "data_stream", "describe_builtin", "load_dataset", "n_features", "one_hot", "from_config"]


def from_config(cfg: dict) -> DataConfig:
    """Module-level helper like the other registries: ``DataConfig.from_config(cfg)``."""
    return DataConfig.from_config(cfg)
