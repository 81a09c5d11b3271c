"""The confusion matrix counts true classes in rows and predictions in columns, whatever form the
loss's targets take (class indices, one-hot, 0/1 or -1/1 values)."""
import numpy as np
import pytest

from engine.build import build_session
from playground.boundary import confusion_for


def _design(head, loss, dataset="circle"):
    return {"format": "network-playground/design", "version": 1, "name": "cm", "seed": 0,
            "data": {"dataset": dataset, "samples": 300, "noise": 0.0, "train_fraction": 0.5},
            "model": {"input_dim": 2, "layers": [{"type": "dense", "units": 16},
                                                 {"type": "activation", "function": "tanh"}] + head},
            "loss": {"type": loss},
            "optimizer": {"type": "adam", "learning_rate": 0.02},
            "training": {"batch_size": 16, "epochs": 40}}


@pytest.mark.parametrize("head,loss", [
    ([{"type": "dense", "units": 2}, {"type": "activation", "function": "softmax"}],
     "sparse_categorical_crossentropy"),
    ([{"type": "dense", "units": 2}, {"type": "activation", "function": "softmax"}],
     "categorical_crossentropy"),
    ([{"type": "dense", "units": 1}, {"type": "activation", "function": "sigmoid"}],
     "binary_crossentropy"),
])
def test_trained_circle_classifier_has_a_diagonal_confusion_matrix(head, loss):
    session = build_session(_design(head, loss))
    session.run(session.steps_per_epoch * 40)
    cm = confusion_for(session)
    assert cm.shape == (2, 2)
    assert cm.sum() == len(session.data.x_val)
    assert np.trace(cm) >= 0.9 * cm.sum(), cm


def test_a_head_wider_than_the_classes_predicts_any_of_its_units_without_an_error():
    """Sparse cross-entropy accepts 16 outputs for 2 classes (as Keras does); an untrained head
    predicts units beyond the data's classes, and the readout counts them (the chaos script's
    IndexError from a rebuild and a reset)."""
    head = [{"type": "dense", "units": 16}, {"type": "activation", "function": "softmax"}]
    session = build_session(_design(head, "sparse_categorical_crossentropy"))
    weights = session.get_weights()
    weights["layers.2.kernel"] = np.zeros_like(weights["layers.2.kernel"])
    weights["layers.2.bias"] = np.arange(16.0, dtype=weights["layers.2.bias"].dtype)
    session.set_weights(weights)  # unit 15 wins everywhere
    cm = confusion_for(session)
    assert cm.shape == (16, 16) and cm.sum() == len(session.data.x_val)
    assert cm[:2, 15].sum() == cm.sum()  # both true classes predicted as unit 15
