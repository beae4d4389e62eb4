"""Training and evaluation (pure: no QGIS): chips on disk and their region split (``dataset.py``), the paper's
metrics (``metrics.py``), and the trainer, threshold calibration and evaluation of model files (``train.py``).
The networks, their model files and their export are in ``model/``."""
