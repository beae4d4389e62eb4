"""The QGIS Processing algorithms of Landslide Mapper: thin adapters over the pure core (``detection/``, ``training/``).

To add an algorithm, append ``"module_name.ClassName"`` (a module of this package) to :data:`ALGORITHMS`. The
provider imports each entry on its own, so one algorithm whose module fails to import (e.g. a missing optional
package imported at module level - import torch & co. inside ``processAlgorithm`` instead) does not hide the
others, above all ``check_environment``, the user's first stop when something is missing.
"""

from __future__ import annotations

import importlib

ALGORITHMS: list[str] = [
    "check_environment.CheckEnvironmentAlgorithm",
    "detect_landslides.DetectLandslidesAlgorithm",
    "export_onnx.ExportOnnxAlgorithm",
    "prepare_chips.PrepareChipsAlgorithm",
    "train_model.TrainModelAlgorithm",
    "evaluate_model.EvaluateModelAlgorithm",
    "adapt_model.AdaptModelAlgorithm",
    "prepare_scene.PrepareSceneAlgorithm",
]


def algorithm_classes() -> tuple[list[type], dict[str, str]]:
    """Import every entry of :data:`ALGORITHMS`: (classes, {entry: error message for those that failed})."""
    classes: list[type] = []
    errors: dict[str, str] = {}
    for entry in ALGORITHMS:
        module_name, _, class_name = entry.rpartition(".")
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
            classes.append(getattr(module, class_name))
        except Exception as exc:
            errors[entry] = f"{type(exc).__name__}: {exc}"
    return classes, errors
