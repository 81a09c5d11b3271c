"""A small 2-D design with tanh units and dropout (the network graph and uncertainty-map tests)."""
import copy

GRAPH_DESIGN = {
    "format": "network-playground/design", "version": 1, "name": "graph", "seed": 2,
    "data": {"dataset": "circle", "samples": 200, "noise": 0.0, "train_fraction": 0.8},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 5},
        {"id": "a1", "type": "activation", "function": "tanh"},
        {"id": "do1", "type": "dropout", "rate": 0.2},
        {"id": "d2", "type": "dense", "units": 1},
        {"id": "a2", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy"},
    "optimizer": {"type": "adam", "learning_rate": 0.01},
    "training": {"batch_size": 16, "epochs": 1000}}


def graph_design() -> dict:
    """A fresh copy of GRAPH_DESIGN."""
    return copy.deepcopy(GRAPH_DESIGN)
