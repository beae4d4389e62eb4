"""Training and evaluation (pure: no QGIS): chips on disk and their region split (``dataset.py``), the paper's
metrics (``metrics.py``), and the trainer, threshold calibration and evaluation of model files (``train.py``).
The networks, their model files and their export are in ``model/``."""

from ..errors import InputError, Message

#: which layers train (``train --layers``, ``adapt --layers``): all, or the decoder only (the encoder, the timm
#: backbone, keeps its weights); here, where the CLI and QGIS can read it without importing torch
LAYERS = ("all", "decoder")


def check_layers(layers: str) -> None:
    if layers not in LAYERS:
        raise InputError(Message("layers must be one of {LAYERS}", LAYERS=", ".join(LAYERS)))
